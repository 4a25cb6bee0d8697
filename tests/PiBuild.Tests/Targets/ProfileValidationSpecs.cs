using static PiBuild.Tests.Targets.Profiles;

namespace PiBuild.Tests.Targets;

/// <summary>Each bad profile stops pibuild with one line: file, line, column, what is wrong, and the fix.</summary>
public sealed class ProfileValidationSpecs
{
    /// <summary>A profile file (in t/x.yaml), and the whole message it must be refused with.</summary>
    public static TheoryData<string, string> Rejections => new()
    {
        { "name: pi3\ngoos: linux\ngoarch: arm\ngoarmm: 7\n", "t/x.yaml:4:1: unknown key 'goarmm' (did you mean 'goarm'?)" },
        { "name: x\nextends: pi1\nbootstrap:\n  urll: https://x\n", "t/x.yaml:4:3: unknown key 'urll' in 'bootstrap' (did you mean 'url'?)" },
        { "name: x\nextends: pi1\nmemory_mb: lots\n", "t/x.yaml:3:12: 'memory_mb' must be a whole number, got 'lots'" },
        { "name: x\nextends: pi1\ncgo: maybe\n", "t/x.yaml:3:6: 'cgo' must be true or false, got 'maybe'" },
        { "name: x\nextends: pi1\nboard: [a, b]\n", "t/x.yaml:3:8: 'board' must be a string, got a list" },
        { "name: x\nextends: pi1\ndetect: models\n", "t/x.yaml:3:9: 'detect' must be a mapping of keys to values" },
        { "name: x\nextends: pi1\ncores: 0\n", "t/x.yaml:3:8: 'cores' must be greater than zero, got 0" },
        { "name: x\ngoos: linux\ngoarch: arm\ngoarm: \"8\"\n", "t/x.yaml:4:8: 'goarm' must be 5, 6 or 7, optionally followed by ',softfloat' or ',hardfloat'; got '8'" },
        { "name: x\ngoos: linux\ngoarch: arm\ngoarm: \"6,fastfloat\"\n", "t/x.yaml:4:8: 'goarm' must be 5, 6 or 7, optionally followed by ',softfloat' or ',hardfloat'; got '6,fastfloat'" },
        { "name: x\ngoos: linux\ngoarch: arm\ngoarm: \"v7\"\n", "t/x.yaml:4:8: 'goarm' must be 5, 6 or 7, optionally followed by ',softfloat' or ',hardfloat'; got 'v7'" },
        { "name: x\ngoos: linux\ngoarch: amd64\ngoarm: 7\n", "t/x.yaml:4:8: 'goarm' applies only to goarch 'arm', not 'amd64'; remove it" },
        { "name: x\ngoos: linux\ngoarch: arm\n", "t/x.yaml:1:1: missing required key 'goarm' for goarch 'arm' (5, 6 or 7)" },
        { "name: x\ngoos: linux\ngoarch: arm64\ngoarm: 7\n", "t/x.yaml:4:8: 'goarm' applies only to goarch 'arm', not 'arm64'; remove it" },
        { "name: x\ngoos: linux\ngoarch: arm\ngoarm: 7\ngoarm64: v8.0\n", "t/x.yaml:5:10: 'goarm64' applies only to goarch 'arm64', not 'arm'; remove it" },
        { "name: x\ngoos: linux\ngoarch: arm64\ngoarm64: v8\n", "t/x.yaml:4:10: 'goarm64' must be v8.0 to v8.9 or v9.0 to v9.5, optionally followed by ',lse' and ',crypto'; got 'v8'" },
        { "name: x\ngoos: linux\ngoarch: arm64\ngoarm64: v9.6\n", "t/x.yaml:4:10: 'goarm64' must be v8.0 to v8.9 or v9.0 to v9.5, optionally followed by ',lse' and ',crypto'; got 'v9.6'" },
        { "name: x\ngoos: linux\ngoarch: arm64\ngoarm64: \"v8.2,lse,lse\"\n", "t/x.yaml:4:10: 'goarm64' must be v8.0 to v8.9 or v9.0 to v9.5, optionally followed by ',lse' and ',crypto'; got 'v8.2,lse,lse'" },
        { "goos: linux\ngoarch: amd64\n", "t/x.yaml:1:1: missing required key 'name'" },
        { "name: x\ngoarch: amd64\n", "t/x.yaml:1:1: missing required key 'goos' (in profile 'x' or what it extends)" },
        { "name: x\nextends: pi1\nbootstrap:\n  from: url\n  url: https://example/go.tgz\n", "t/x.yaml:4:9: a bootstrap 'from: url' needs both 'url' and 'sha256' (a download without a checksum is refused)" },
        { "name: x\nextends: pi1\nbootstrap:\n  url: https://example/go.tgz\n", "t/x.yaml:4:8: a bootstrap 'from: url' needs both 'url' and 'sha256' (a download without a checksum is refused)" },
        { "name: x\nextends: pi1\nbootstrap:\n  from: usb\n", "t/x.yaml:4:9: unknown bootstrap.from 'usb' (one of: go-index, url)" },
        { "name: x\nextends: pi1\nbootstrap:\n  sha256: abc\n", "t/x.yaml:4:11: 'bootstrap.sha256' must be 64 hexadecimal digits" },
        { "name: My Pi\ngoos: linux\ngoarch: amd64\n", "t/x.yaml:1:7: invalid name 'My Pi': use lower-case letters, digits, '.', '_' and '-'" },
        { "name: x\nextends: pi9\n", "t/x.yaml:2:10: 'extends' names unknown profile 'pi9' (did you mean 'pi5'?) (known: pi0, pi1, pi2, pi3, pi3-32, pi4, pi4-32, pi5, pi5-32, x, zero2, zero2-32)" },
        { "name: x\nextends: x\n", "t/x.yaml:2:10: 'extends: x' refines the profile 'x' of an earlier layer (built-in, then project, then user), but none defines it; remove 'extends' or name another profile" },
        { "name: x\ngoos: linux\ngoarch: arm\n---\nname: y\n", "t/x.yaml:5:1: a profile file holds one document; remove the second" },
        { "- name: x\n", "t/x.yaml:1:1: a profile must be a mapping of keys to values" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void A_bad_profile_is_refused_at_the_place_that_is_wrong(string yaml, string message)
    {
        var e = Rejects(("t/x.yaml", yaml));
        Assert.Equal(message, e.Message);
        Assert.Equal(2, e.ExitCode);
    }

    [Fact]
    public void Malformed_YAML_is_reported_at_its_line_and_column()
    {
        var e = Rejects(("t/bad.yaml", "name: bad\ngoos: linux\n  goarch: [arm\n"));
        Assert.StartsWith("t/bad.yaml:3:", e.Message, StringComparison.Ordinal);
        Assert.Contains("malformed YAML", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Idx:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_goarch_Go_does_not_know_is_refused_with_the_likely_one()
    {
        var e = Rejects(("t/x.yaml", "name: x\ngoos: linux\ngoarch: x86\n"));
        Assert.StartsWith("t/x.yaml:3:9: unknown goarch 'x86' (did you mean '386'?) (one of: 386, amd64, arm,", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_profile_file_is_refused()
    {
        var e = Rejects(("t/x.yaml", "# nothing yet\n"));
        Assert.StartsWith("t/x.yaml:1:1: the profile is empty", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v8.0")]
    [InlineData("v8.2,lse")]
    [InlineData("v9.5,crypto,lse")]
    public void A_GOARM64_level_with_options_is_accepted(string goarm64)
    {
        var catalog = WithProject(("t/x.yaml", $"name: x\ngoos: linux\ngoarch: arm64\ngoarm64: \"{goarm64}\"\n"));
        Assert.Equal(goarm64.Replace("crypto,lse", "lse,crypto", StringComparison.Ordinal), catalog.Get("x").GoArm64.ToString());
    }

    [Fact]
    public void A_child_that_changes_goarch_does_not_inherit_the_parents_level_but_may_set_its_own()
    {
        var catalog = WithProject(("t/x.yaml", "name: x\nextends: pi5\ngoarch: arm\ngoarm: 6\n"));
        Assert.Null(catalog.Get("x").GoArm64);
        Assert.Equal("6", catalog.Get("x").GoArm.ToString());
        var e = Rejects(("t/y.yaml", "name: y\nextends: pi5\ngoarch: arm\n"));
        Assert.Equal("t/y.yaml:1:1: missing required key 'goarm' for goarch 'arm' (5, 6 or 7)", e.Message);
    }

    [Theory]
    [InlineData("6,softfloat")]
    [InlineData("7,hardfloat")]
    [InlineData("5")]
    public void A_GOARM_with_a_float_suffix_is_accepted(string goarm)
    {
        var catalog = WithProject(("t/x.yaml", $"name: x\ngoos: linux\ngoarch: arm\ngoarm: {goarm}\n"));
        Assert.Equal(goarm, catalog.Get("x").GoArm.ToString());
    }
}
