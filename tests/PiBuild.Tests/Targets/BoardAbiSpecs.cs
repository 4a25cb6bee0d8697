using PiBuild.Core.Devices;
using PiBuild.Core.Targets;

namespace PiBuild.Tests.Targets;

/// <summary>A board's ABI facts and "what runs where" live in one model that every feature asks.</summary>
public sealed class BoardAbiSpecs
{
    private readonly ProfileCatalog _catalog = ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn()]);

    [Theory]
    [InlineData("pi0", "armhf", "arm-linux-gnueabihf", "/lib/ld-linux-armhf.so.3", 32)]
    [InlineData("pi1", "armhf", "arm-linux-gnueabihf", "/lib/ld-linux-armhf.so.3", 32)]
    [InlineData("pi2", "armhf", "arm-linux-gnueabihf", "/lib/ld-linux-armhf.so.3", 32)]
    [InlineData("pi4-32", "armhf", "arm-linux-gnueabihf", "/lib/ld-linux-armhf.so.3", 32)]
    [InlineData("pi4", "arm64", "aarch64-linux-gnu", "/lib/ld-linux-aarch64.so.1", 64)]
    [InlineData("pi5", "arm64", "aarch64-linux-gnu", "/lib/ld-linux-aarch64.so.1", 64)]
    public void Every_Pi_has_the_userland_of_Raspberry_Pi_OS(string board, string debian, string triplet, string loader, int bits)
    {
        var profile = _catalog.Get(board);
        var abi = BoardAbi.Of(profile)!;
        Assert.Equal((debian, triplet, loader, bits), (abi.DebianArchitecture, abi.Triplet, abi.Loader, abi.Bits));
        Assert.Equal(bits, profile.UserlandBits);
    }

    [Fact]
    public void A_soft_float_profile_is_Debians_armel_everywhere()
    {
        var catalog = Profiles.WithProject(("targets/soft.yaml", "name: soft\nextends: pi1\ngoarm: 6,softfloat\n"));
        var abi = BoardAbi.Of(catalog.Get("soft"))!;
        Assert.Equal(("armel", "arm-linux-gnueabi", "/lib/ld-linux.so.3"), (abi.DebianArchitecture, abi.Triplet, abi.Loader));
    }

    [Theory]
    [InlineData("pi1", "pi2", null)]
    [InlineData("pi2", "pi1", "GOARM=7 code needs ARMv7, the device's CPU is ARMv6 (ARM1176JZF-S)")]
    [InlineData("pi2", "pi4", null)]
    [InlineData("pi4", "pi4-32", "an arm64 binary cannot start on a 32-bit userland")]
    [InlineData("pi5", "pi4", "GOARM64=v8.2 code needs a newer CPU than the device's Cortex-A72 (GOARM64=v8.0)")]
    [InlineData("pi4", "pi5", null)]
    public void Code_of_a_level_runs_on_boards_of_that_level_and_above(string built, string board, string? reason)
    {
        var device = _catalog.Get(board);
        Assert.Equal(reason, _catalog.Get(built).Level.WhyNotRunsOn(device.Level, device.UserlandBits, device.Cpu));
    }

    [Fact]
    public void Levels_rank_from_the_one_that_runs_on_most_boards_and_label_the_same_way_everywhere()
    {
        var ranked = new[] { "pi2", "pi5", "pi1", "pi4" }.Select(_catalog.Get).OrderBy(p => p.Level.Rank).Select(p => p.Level.ToString());
        Assert.Equal(["GOARM=6", "GOARM=7", "GOARM64=v8.0", "GOARM64=v8.2"], ranked);
        Assert.Equal("GOARM=7", ArchLevel.Label("linux", "arm", "7", null));
        Assert.Equal("linux/amd64", ArchLevel.Label("linux", "amd64", null, null));
    }

    [Fact]
    public void The_device_probe_asks_for_the_loader_of_every_Pi_userland()
    {
        foreach (var abi in BoardAbi.PiUserlands)
        {
            Assert.Contains($"[ -e \"$r{abi.Loader}\" ] && echo loader={abi.DebianArchitecture}", DeviceProbe.Script);
        }

        Assert.Equal(64, DeviceProbe.Parse("loader=arm64\nhome=/h\n").Board.UserlandBits);
        Assert.Equal(32, DeviceProbe.Parse("loader=armhf\nhome=/h\n").Board.UserlandBits);
        Assert.Null(DeviceProbe.Parse("loader=armhf\nloader=arm64\nhome=/h\n").Board.UserlandBits);
    }

    [Fact]
    public void Cgo_flags_for_a_Pi_1_keep_the_compiler_off_Thumb_2()
    {
        var pi1 = _catalog.Get("pi1");
        Assert.Equal(["-march=armv6", "-mfpu=vfp", "-mfloat-abi=hard", "-marm"], pi1.Level.CFlags(BoardAbi.Armhf));
        Assert.Empty(_catalog.Get("pi4").Level.CFlags(BoardAbi.Arm64)!);
    }

    /// <summary>
    /// Which C compiler builds for a board is one list in GoArchitecture, read by the C# bootstrap and, as a case
    /// pattern, by the bootstrap script: the real sh must agree with C# on every machine gcc may print.
    /// </summary>
    [Theory]
    [InlineData("arm", "arm-linux-gnueabihf", true)]
    [InlineData("arm", "armv7l-unknown-linux-gnueabihf", true)]
    [InlineData("arm", "armv6l-unknown-linux-gnueabihf", true)]
    [InlineData("arm", "aarch64-linux-gnu", false)]
    [InlineData("arm", "x86_64-linux-gnu", false)]
    [InlineData("arm64", "aarch64-linux-gnu", true)]
    [InlineData("arm64", "arm-linux-gnueabihf", false)]
    [InlineData("386", "i386-linux-gnu", true)]
    [InlineData("386", "i686-linux-gnu", true)]
    [InlineData("386", "x86_64-linux-gnu", false)]
    [InlineData("amd64", "x86_64-linux-gnu", true)]
    public async Task A_compilers_gnu_machine_is_judged_the_same_in_csharp_and_in_the_bootstrap_script(string goArch, string machine, bool buildsFor)
    {
        var architecture = GoArchitecture.Find(goArch)!;
        Assert.Equal(buildsFor, architecture.IsBuiltForBy(machine));

        var script = $"case '{machine}' in {architecture.GnuMachineCasePattern}) echo yes ;; *) echo no ;; esac";
        var shell = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sh", ["-c", script]) { RedirectStandardOutput = true })!;
        var said = (await shell.StandardOutput.ReadToEndAsync()).Trim();
        await shell.WaitForExitAsync();
        Assert.Equal(buildsFor ? "yes" : "no", said);
    }
}
