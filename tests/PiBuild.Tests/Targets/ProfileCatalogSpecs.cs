using PiBuild.Core;
using PiBuild.Core.Targets;
using static PiBuild.Tests.Targets.Profiles;

namespace PiBuild.Tests.Targets;

public sealed class ProfileCatalogSpecs
{
    private const string Minimal = "goos: linux\ngoarch: arm\ngoarm: 6\n";

    [Fact]
    public void A_project_profile_adds_a_board_beside_the_built_in_ones()
    {
        var catalog = WithProject(("targets/zero.yaml", "name: zero\nboard: Raspberry Pi Zero\n" + Minimal));
        Assert.Equal(["pi0", "pi1", "pi2", "pi3", "pi3-32", "pi4", "pi4-32", "pi5", "pi5-32", "zero", "zero2", "zero2-32"], catalog.Names);
        Assert.Equal(new ProfileOrigin(ProfileLayer.Project, "targets/zero.yaml"), catalog.Get("zero").Origin);
    }

    [Fact]
    public void A_later_layer_replaces_a_profile_of_the_same_name()
    {
        var catalog = ProfileCatalog.FromLayers(
        [
            ProfileLayer.LoadBuiltIn(),
            Layer(ProfileLayer.Project, ("p/pi2.yaml", "name: pi2\nqemu_cpu: cortex-a15\n" + Minimal)),
            Layer(ProfileLayer.User, ("u/pi2.yaml", "name: pi2\nqemu_cpu: max\n" + Minimal)),
        ]);

        var pi2 = catalog.Get("pi2");
        Assert.Equal("max", pi2.QemuCpu);
        Assert.Equal(ProfileLayer.User, pi2.Origin.Layer);

        // Replaced, not merged: the built-in board facts are gone.
        Assert.Equal("", pi2.Board);
    }

    [Fact]
    public void Extends_inherits_every_key_and_lets_the_child_override_some()
    {
        var catalog = WithProject(
            ("t/fast.yaml", "name: pi1-fast\nextends: pi1-tuned\nthread_stack_kb: 512\n"),
            ("t/tuned.yaml", "name: pi1-tuned\nextends: pi1\ntest_timeout_scale: 20\n"));

        var fast = catalog.Get("pi1-fast");
        Assert.Equal(["pi1-tuned", "pi1"], fast.Extends);
        Assert.Equal("ARM1176JZF-S", fast.Cpu);
        Assert.Equal(new GoArm(6, FloatAbi.Default), fast.GoArm);
        Assert.Equal(512, fast.ThreadStackKb);
        Assert.Equal(20, fast.TestTimeoutScale);
        Assert.Equal("t/fast.yaml", fast.Origin.File);
    }

    [Fact]
    public void A_profile_extending_its_own_name_refines_the_lower_layers_profile()
    {
        var catalog = WithProject(("t/pi2.yaml", "name: pi2\nextends: pi2\nqemu_cpu: cortex-a15\n"));
        var pi2 = catalog.Get("pi2");
        Assert.Equal("cortex-a15", pi2.QemuCpu);
        Assert.Equal("BCM2836", pi2.Soc);
        Assert.Equal(["pi2"], pi2.Extends);
    }

    [Fact]
    public void A_nested_key_can_be_overridden_alone()
    {
        var catalog = WithProject(("t/mirror.yaml",
            "name: pi1-mirror\nextends: pi1\nbootstrap:\n  from: url\n  url: https://mirror.example/go.tgz\n  sha256: " + new string('a', 64) + "\n"));
        var bootstrap = catalog.Get("pi1-mirror").Bootstrap!;
        Assert.Equal("url", bootstrap.From);
        Assert.Equal("armv6l", bootstrap.ArchiveArch);
        Assert.Equal("https://mirror.example/go.tgz", bootstrap.Url);
    }

    [Fact]
    public void An_extends_cycle_is_named_with_its_members()
    {
        var e = Rejects(("t/a.yaml", "name: a\nextends: b\n"), ("t/b.yaml", "name: b\nextends: a\n"));
        Assert.Matches(@"^t/[ab]\.yaml:2:10: 'extends' forms a cycle: (a -> b -> a|b -> a -> b);", e.Message);
    }

    [Fact]
    public void Extending_an_unknown_profile_names_the_known_ones()
    {
        var e = Rejects(("t/x.yaml", "name: x\nextends: pi6\n"));
        Assert.Equal("t/x.yaml:2:10: 'extends' names unknown profile 'pi6' (did you mean 'pi5'?) (known: pi0, pi1, pi2, pi3, pi3-32, pi4, pi4-32, pi5, pi5-32, x, zero2, zero2-32)", e.Message);
    }

    [Fact]
    public void Two_files_in_one_layer_cannot_define_the_same_name()
    {
        var e = Rejects(("t/a.yaml", "name: a\n" + Minimal), ("t/b.yaml", "name: a\n" + Minimal));
        Assert.Equal("t/b.yaml:1:7: profile 'a' is already defined in t/a.yaml; give one of them another name", e.Message);
    }

    [Fact]
    public void An_unknown_target_lists_the_known_ones()
    {
        var e = Assert.Throws<ConfigurationException>(() => WithProject().Get("pi9"));
        Assert.Equal("unknown target 'pi9' (did you mean 'pi5'?) (known: pi0, pi1, pi2, pi3, pi3-32, pi4, pi4-32, pi5, pi5-32, zero2, zero2-32)", e.Message);
        Assert.Equal(2, e.ExitCode);
    }

    [Fact]
    public void A_targets_path_that_is_a_file_is_a_configuration_error()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("targets", "not a directory");
        var e = Assert.Throws<ConfigurationException>(() => ProfileLayer.LoadDirectory(ProfileLayer.Project, file));
        Assert.Contains("expected a directory of profiles but found a file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_profile_is_a_configuration_error_naming_it()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("targets", "broken.yaml"));
        var e = Assert.Throws<ConfigurationException>(() => ProfileLayer.LoadDirectory(ProfileLayer.Project, dir.Combine("targets")));
        Assert.Equal(dir.Combine("targets", "broken.yaml") + " is a directory, not a regular file; a profile must be a regular file", e.Message);
    }

    [Fact]
    public void A_missing_directory_is_an_empty_layer()
    {
        using var dir = new TempDirectory();
        Assert.Empty(ProfileLayer.LoadDirectory(ProfileLayer.User, dir.Combine("nothing-here")).Files);
    }
}
