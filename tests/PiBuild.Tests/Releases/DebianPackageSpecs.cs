using System.Text;
using PiBuild.Core;
using PiBuild.Core.Go;
using PiBuild.Core.Projects;
using PiBuild.Core.Releases;
using PiBuild.Core.Releases.Debian;
using PiBuild.Core.Targets;
using static PiBuild.Tests.Targets.Profiles;

namespace PiBuild.Tests.Releases;

/// <summary>Debian packages the Raspberry Pi OS way: which build each holds, its version, its deb: section, its ar bytes.</summary>
public sealed class DebianPackageSpecs
{
    private const string Deb = "deb:\n  maintainer: \"Jane Doe <jane@example.com>\"\n";
    private static readonly GoVersion Go119 = GoVersion.Parse("go1.19.8");
    private static readonly GoVersion Go123 = GoVersion.Parse("go1.23.5");
    private readonly ProfileCatalog _catalog = WithProject();

    private IReadOnlyList<(string File, string From, string Boards)> Plans(GoVersion go, string version, params string[] targets)
    {
        var boards = targets.Order(StringComparer.Ordinal).Select(_catalog.Get).ToArray();
        var groups = ReleaseGroup.Of(Builds.Sessions.Of(boards, Builds.Sessions.Go(go.Text)).Groups(boards), go.KnowsGoArm64, ProjectConfig.DefaultArchiveTemplate, "Sensors", version);
        var config = ProjectConfig.Parse(Deb, "pibuild.yaml").Deb!;
        return DebianPackagePlan.For(groups, config, "Sensors", version)
            .Select(p => (p.FileName, p.From.Builder.Name, string.Join(",", p.Boards.Select(b => b.Name)))).ToArray();
    }

    [Fact]
    public void The_armhf_package_holds_the_lowest_32_bit_level_selected_for_every_32_bit_board()
    {
        Assert.Equal(
            [("sensors_1.2.3_arm64.deb", "pi4", "pi4"), ("sensors_1.2.3_armhf.deb", "pi1", "pi1,pi2,pi3-32")],
            Plans(Go119, "1.2.3", "pi2", "pi3-32", "pi4", "pi1"));
        Assert.Equal([("sensors_1.2.3_armhf.deb", "pi2", "pi2,pi3-32")], Plans(Go119, "1.2.3", "pi3-32", "pi2"));
    }

    [Fact]
    public void With_a_Go_that_knows_GOARM64_the_arm64_package_is_built_for_ARMv8_0_so_a_Pi_3_can_install_it()
    {
        Assert.Equal([("sensors_1.2.3_arm64.deb", "pi3", "pi3,pi4,pi5")], Plans(Go123, "1.2.3", "pi5", "pi4", "pi3"));
    }

    [Theory]
    [InlineData("1.2.3", "1.2.3")]
    [InlineData("v1.2.3", "1.2.3")]
    [InlineData("1.2.3-SNAPSHOT-0a1b2c3d4e5f", "1.2.3~SNAPSHOT-0a1b2c3d4e5f")]
    [InlineData("1.2.3-rc.1", "1.2.3~rc.1")]
    public void Release_versions_become_Debian_versions_where_a_snapshot_sorts_before_its_release(string release, string debian)
    {
        Assert.Equal(debian, DebianVersion.From(release));
    }

    [Fact]
    public void A_version_Debian_cannot_take_is_a_usage_error_naming_the_fix()
    {
        var e = Assert.Throws<ConfigurationException>(() => DebianVersion.From("release_1"));
        Assert.Equal("version 'release_1' cannot be a Debian package version (it must start with a digit and hold only letters, digits and . + ~ -); pass --version 1.2.3", e.Message);
    }

    [Theory]
    [InlineData("Sensors", "sensors")]
    [InlineData("my_tool", "my-tool")]
    [InlineData("x", "x-pkg")]
    public void The_package_name_defaults_to_the_project_name_made_valid(string project, string package)
    {
        Assert.Equal(package, DebPackageConfig.PackageNameFor(project));
    }

    [Theory]
    [InlineData("deb:\n  package: xy\n", "pibuild.yaml:1:1: 'deb' needs 'maintainer'")]
    [InlineData(Deb + "  maintainer: jane\n", "pibuild.yaml:3:3: malformed YAML: Duplicate")]
    [InlineData("deb:\n  maintainer: jane\n", "pibuild.yaml:2:15: 'deb.maintainer' must be a name and an address")]
    [InlineData(Deb + "  package: Bad_Name\n", "pibuild.yaml:3:12: 'deb.package' must be a Debian package name")]
    [InlineData(Deb + "  priority: extra-ordinary\n", "pibuild.yaml:3:13: 'deb.priority' must be one of required, important, standard, optional")]
    [InlineData(Deb + "  depends: [\"libc6, libz\"]\n", "pibuild.yaml:3:13: 'libc6, libz' in 'deb.depends' is not a Debian relation")]
    [InlineData(Deb + "  files: [\"a.conf\"]\n", "pibuild.yaml:3:11: 'deb.files' items are SOURCE:DESTINATION[:MODE]")]
    [InlineData(Deb + "  files: [\"a.conf:etc/a.conf\"]\n", "pibuild.yaml:3:11: the destination in 'deb.files' must be an absolute file path")]
    [InlineData(Deb + "  files: [\"a.conf:/etc/a.conf:0999\"]\n", "pibuild.yaml:3:11: the mode in 'deb.files' must be octal")]
    [InlineData(Deb + "  files: [\"../a.conf:/etc/a.conf\"]\n", "pibuild.yaml:3:11: 'deb.files' names files inside the project")]
    [InlineData(Deb + "  conffiles: [/etc/a.conf]\n", "pibuild.yaml:3:15: conffile '/etc/a.conf' must be a file under /etc/ that 'deb.files' installs")]
    [InlineData(Deb + "  systemd: [sensord.conf]\n", "pibuild.yaml:3:13: 'sensord.conf' in 'deb.systemd' is not a unit file")]
    [InlineData(Deb + "  systemd: [\"it's.service\"]\n", "pibuild.yaml:3:13: 'it's.service' in 'deb.systemd' is not a unit file")]
    [InlineData(Deb + "  sections: misc\n", "pibuild.yaml:3:3: unknown key 'sections' in 'deb' (did you mean 'section'?)")]
    [InlineData("formats: [tar.gz, dep]\n", "pibuild.yaml:1:19: unknown format 'dep' in 'formats' (did you mean 'deb'?)")]
    [InlineData("formats: [deb]\n", "pibuild.yaml:1:10: 'formats' names deb, but there is no 'deb:' section")]
    public void A_bad_deb_section_is_reported_at_its_line_and_column(string text, string message)
    {
        var e = Assert.Throws<ConfigurationException>(() => ProjectConfig.Parse(text, "pibuild.yaml"));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_deb_section_is_read_with_its_defaults()
    {
        var config = ProjectConfig.Parse(Deb + "  files: [\"c/s.yaml:/etc/s/s.yaml:0640\"]\n  conffiles: [/etc/s/s.yaml]\n  systemd: [deploy/s.service]\nformats: [deb, tar.gz]\n", "pibuild.yaml");
        var deb = config.Deb!;
        Assert.Equal(("misc", "optional"), (deb.Section, deb.Priority));
        Assert.Equal(("c/s.yaml", "/etc/s/s.yaml", 0x1A0), (deb.Files[0].Source, deb.Files[0].Destination, deb.Files[0].Mode));
        Assert.Equal("s.service", deb.Systemd[0].Name);
        Assert.Equal(["deb", "tar.gz"], config.Formats);
        Assert.Equal(["tar.gz"], ProjectConfig.Parse("project: x\n", "pibuild.yaml").Formats);
    }

    [Fact]
    public void An_ar_member_header_is_60_bytes_of_zero_dates_and_owners_and_odd_data_is_padded()
    {
        using var output = new MemoryStream();
        ArArchive.Write(output, [("debian-binary", "2.0\n"u8.ToArray()), ("x", "abc"u8.ToArray())]);
        var text = Encoding.ASCII.GetString(output.ToArray());
        Assert.Equal(
            "!<arch>\n"
            + "debian-binary   0           0     0     100644  4         `\n2.0\n"
            + "x               0           0     0     100644  3         `\nabc\n",
            text);
    }
}
