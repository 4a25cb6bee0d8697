using System.Text.Json.Nodes;
using PiBuild.Core.Targets;
using static PiBuild.Tests.Targets.Profiles;

namespace PiBuild.Tests.Targets;

/// <summary>The key table drives everything: a key declared in ProfileKeys is parsed, checked, shown, serialised and fingerprinted.</summary>
public sealed class ProfileKeysSpecs
{
    public static TheoryData<string> Keys => new(ProfileKeys.All.Select(k => k.Name));

    [Theory]
    [MemberData(nameof(Keys))]
    public void Every_key_is_part_of_the_YAML_schema_and_its_wrong_type_is_reported_where_it_stands(string name)
    {
        // A mapping is the wrong type for every value key: the error names the key, not "unknown key".
        var key = ProfileKeys.All.Single(k => k.Name == name);
        var yaml = key.Section is { } section
            ? $"name: x\nextends: pi1\n{section}:\n  {key.LocalName}: {{a: 1}}\n"
            : $"name: x\nextends: pi1\n{name}: {{a: 1}}\n";
        var e = Rejects(("t/x.yaml", yaml));
        Assert.StartsWith(key.Section is null ? "t/x.yaml:3:" : "t/x.yaml:4:", e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{name}' must be", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Every_key_appears_in_the_profiles_JSON_at_its_place(string name)
    {
        var json = WithProject().Get("pi1").ToJson();
        var key = ProfileKeys.All.Single(k => k.Name == name);
        var holder = key.Section is { } section ? json[section]!.AsObject() : json;
        Assert.True(holder.ContainsKey(key.LocalName), $"{name} is missing from {json.ToJsonString()}");
    }

    [Fact]
    public void The_JSON_has_the_name_first_and_origin_and_extends_last()
    {
        var json = WithProject(("t/x.yaml", "name: x\nextends: pi2\n")).Get("x").ToJson();
        var names = json.Select(p => p.Key).ToArray();
        Assert.Equal("name", names[0]);
        Assert.Equal(["origin", "extends"], names[^2..]);
        Assert.Equal("project", json["origin"]!["layer"]!.GetValue<string>());
        Assert.Equal(["pi2"], json["extends"]!.AsArray().Select(e => e!.GetValue<string>()));
    }

    [Fact]
    public void A_section_the_profile_does_not_use_is_null_in_JSON()
    {
        var json = WithProject(("t/x.yaml", "name: x\ngoos: linux\ngoarch: amd64\n")).Get("x").ToJson();
        Assert.Null(json["bootstrap"]);
        Assert.Null(json["detect"]);
        Assert.IsType<JsonObject>(WithProject().Get("pi1").ToJson()["bootstrap"]);
    }

    [Fact]
    public void The_fingerprint_follows_the_board_keys_and_ignores_where_the_file_is_and_how_it_is_detected()
    {
        var catalog = WithProject(
            ("a/one.yaml", "name: one\nextends: pi1\n"),
            ("b/two.yaml", "name: two\nextends: pi1\ndetect:\n  cpu_part: \"0x999\"\n"));
        var one = catalog.Get("one");
        var relocated = WithProject(("elsewhere/one.yaml", "name: one\nextends: pi1\ndetect:\n  models: [\"Some Pi\"]\n")).Get("one");
        Assert.Equal(one.Fingerprint(), relocated.Fingerprint());
        Assert.NotEqual(one.Fingerprint(), catalog.Get("two").Fingerprint());
        Assert.NotEqual(one.Fingerprint(), WithProject(("a/one.yaml", "name: one\nextends: pi1\nqemu_cpu: max\n")).Get("one").Fingerprint());
    }

    [Fact]
    public void Targets_show_lists_every_key_with_a_value_in_table_order()
    {
        var pi1 = WithProject().Get("pi1");
        var shown = ProfileKeys.All.Where(k => !string.IsNullOrEmpty(k.Display(pi1))).Select(k => k.Name).ToArray();
        Assert.Equal(["board", "soc", "cpu", "cores", "clock_mhz", "isa", "fpu", "memory_mb", "goos", "goarch", "goarm", "cgo", "qemu_cpu",
            "thread_stack_kb", "test_timeout_scale", "detect.models", "detect.cpu_part", "bootstrap.from", "bootstrap.archive_arch"], shown);
    }
}
