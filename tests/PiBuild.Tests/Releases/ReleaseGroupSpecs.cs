using PiBuild.Core.Go;
using PiBuild.Core.Releases;
using PiBuild.Core.Targets;
using static PiBuild.Tests.Targets.Profiles;

namespace PiBuild.Tests.Releases;

/// <summary>Boards whose builds are the same share one archive; archives are named by what they hold.</summary>
public sealed class ReleaseGroupSpecs
{
    private const string Template = "{project}_{version}_{os}_{arch}";
    private static readonly GoVersion Go119 = GoVersion.Parse("go1.19.8");
    private static readonly GoVersion Go123 = GoVersion.Parse("go1.23.5");
    private readonly ProfileCatalog _catalog = WithProject(("t/pi4-cgo.yaml", "name: pi4-cgo\nextends: pi4\ncgo: true\n"));

    private IReadOnlyList<(string File, string Boards)> Groups(GoVersion go, params string[] targets) =>
        ReleaseGroup.Of(Builds.Sessions.Of(targets.Select(_catalog.Get).ToArray(), Builds.Sessions.Go(go.Text)).Groups(targets.Order(StringComparer.Ordinal).Select(_catalog.Get)), go.KnowsGoArm64, Template, "hello", "1.2.3")
            .Select(g => (g.FileName, string.Join(",", g.Boards.Select(b => b.Name)))).ToArray();

    [Fact]
    public void A_Pi_Zero_and_a_Pi_1_run_the_same_ARMv6_build_and_share_one_archive()
    {
        Assert.Equal([("hello_1.2.3_linux_armv6.tar.gz", "pi0,pi1"), ("hello_1.2.3_linux_armv7.tar.gz", "pi2")], Groups(Go119, "pi2", "pi1", "pi0"));
    }

    [Fact]
    public void A_Pi_3_and_a_Pi_4_share_the_arm64_archive_and_a_Pi_5_gets_its_own_where_Go_knows_GOARM64()
    {
        Assert.Equal([("hello_1.2.3_linux_arm64.tar.gz", "pi3,pi4"), ("hello_1.2.3_linux_arm64v8.2.tar.gz", "pi5")], Groups(Go123, "pi5", "pi4", "pi3"));

        // Go 1.22 builds ARMv8.0 code for every 64-bit board: one archive serves all three.
        Assert.Equal([("hello_1.2.3_linux_arm64.tar.gz", "pi3,pi4,pi5")], Groups(Go119, "pi5", "pi4", "pi3"));
    }

    [Fact]
    public void The_32_bit_profiles_of_ARMv8_boards_share_the_armv7_archive_with_the_Pi_2()
    {
        Assert.Equal([("hello_1.2.3_linux_armv7.tar.gz", "pi2,pi3-32,pi4-32,pi5-32,zero2-32")], Groups(Go123, "pi2", "pi3-32", "pi4-32", "pi5-32", "zero2-32"));
    }

    [Fact]
    public void Builds_that_differ_but_would_share_a_name_are_named_after_their_boards()
    {
        Assert.Equal([("hello_1.2.3_linux_pi4.tar.gz", "pi4"), ("hello_1.2.3_linux_pi4-cgo.tar.gz", "pi4-cgo")], Groups(Go119, "pi4", "pi4-cgo"));
    }
}
