using static PiBuild.Tests.Targets.Profiles;

namespace PiBuild.Tests.Targets;

/// <summary>Each bad profile stops pibuild with one line: file, line, column, what is wrong, and the fix.</summary>
public sealed class ProfileValidationSpecs
{
    [Fact]
    public void Malformed_YAML_is_reported_at_its_line_and_column()
    {
        var e = Rejects(("t/bad.yaml", "name: bad\ngoos: linux\n  goarch: [arm\n"));
        Assert.StartsWith("t/bad.yaml:3:", e.Message, StringComparison.Ordinal);
        Assert.Contains("malformed YAML", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Idx:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_is_reported_with_the_key_it_probably_meant()
    {
        var e = Rejects(("targets/pi3.yaml", "name: pi3\ngoos: linux\ngoarch: arm\ngoarmm: 7\n"));
        Assert.Equal("targets/pi3.yaml:4:1: unknown key 'goarmm' (did you mean 'goarm'?)", e.Message);
    }

    [Fact]
    public void An_unknown_key_in_a_section_names_the_section()
    {
        var e = Rejects(("t/x.yaml", "name: x\nextends: pi1\nbootstrap:\n  urll: https://x\n"));
        Assert.Equal("t/x.yaml:4:3: unknown key 'urll' in 'bootstrap' (did you mean 'url'?)", e.Message);
    }

    [Theory]
    [InlineData("memory_mb: lots", "t/x.yaml:3:12: 'memory_mb' must be a whole number, got 'lots'")]
    [InlineData("cgo: maybe", "t/x.yaml:3:6: 'cgo' must be true or false, got 'maybe'")]
    [InlineData("board: [a, b]", "t/x.yaml:3:8: 'board' must be a string, got a list")]
    [InlineData("detect: models", "t/x.yaml:3:9: 'detect' must be a mapping of keys to values")]
    [InlineData("cores: 0", "t/x.yaml:3:8: 'cores' must be greater than zero, got 0")]
    public void A_value_of_the_wrong_type_is_reported_where_it_stands(string line, string message)
    {
        var e = Rejects(("t/x.yaml", "name: x\nextends: pi1\n" + line + "\n"));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("8")]
    [InlineData("6,fastfloat")]
    [InlineData("v7")]
    public void A_GOARM_outside_5_to_7_or_with_an_unknown_float_suffix_is_refused(string goarm)
    {
        var e = Rejects(("t/x.yaml", $"name: x\ngoos: linux\ngoarch: arm\ngoarm: \"{goarm}\"\n"));
        Assert.Equal($"t/x.yaml:4:8: 'goarm' must be 5, 6 or 7, optionally followed by ',softfloat' or ',hardfloat'; got '{goarm}'", e.Message);
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

    [Fact]
    public void GOARM_on_a_goarch_other_than_arm_is_refused()
    {
        var e = Rejects(("t/x.yaml", "name: x\ngoos: linux\ngoarch: amd64\ngoarm: 7\n"));
        Assert.Equal("t/x.yaml:4:8: 'goarm' applies only to goarch 'arm', not 'amd64'; remove it", e.Message);
    }

    [Fact]
    public void A_goarch_Go_does_not_know_is_refused_with_the_likely_one()
    {
        var e = Rejects(("t/x.yaml", "name: x\ngoos: linux\ngoarch: x86\n"));
        Assert.StartsWith("t/x.yaml:3:9: unknown goarch 'x86' (did you mean '386'?) (one of: 386, amd64, arm,", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_arm_profile_without_GOARM_is_refused()
    {
        var e = Rejects(("t/x.yaml", "name: x\ngoos: linux\ngoarch: arm\n"));
        Assert.Equal("t/x.yaml:1:1: missing required key 'goarm' for goarch 'arm' (5, 6 or 7)", e.Message);
    }

    [Fact]
    public void A_profile_without_a_name_is_refused()
    {
        var e = Rejects(("t/x.yaml", "goos: linux\ngoarch: amd64\n"));
        Assert.Equal("t/x.yaml:1:1: missing required key 'name'", e.Message);
    }

    [Fact]
    public void A_profile_without_goos_and_nothing_to_inherit_it_from_is_refused()
    {
        var e = Rejects(("t/x.yaml", "name: x\ngoarch: amd64\n"));
        Assert.Equal("t/x.yaml:1:1: missing required key 'goos' (in profile 'x' or what it extends)", e.Message);
    }

    [Fact]
    public void An_empty_profile_file_is_refused()
    {
        var e = Rejects(("t/x.yaml", "# nothing yet\n"));
        Assert.StartsWith("t/x.yaml:1:1: the profile is empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bootstrap_from_url_without_a_checksum_is_refused()
    {
        var e = Rejects(("t/x.yaml", "name: x\nextends: pi1\nbootstrap:\n  from: url\n  url: https://example/go.tgz\n"));
        Assert.Equal("t/x.yaml:4:9: a bootstrap 'from: url' needs both 'url' and 'sha256' (a download without a checksum is refused)", e.Message);
    }

    [Fact]
    public void A_name_with_capitals_or_spaces_is_refused()
    {
        var e = Rejects(("t/x.yaml", "name: My Pi\ngoos: linux\ngoarch: amd64\n"));
        Assert.Equal("t/x.yaml:1:7: invalid name 'My Pi': use lower-case letters, digits, '.', '_' and '-'", e.Message);
    }
}
