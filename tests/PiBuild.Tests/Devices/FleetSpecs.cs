using PiBuild.Core;
using PiBuild.Core.Devices;
using PiBuild.Core.Projects;

namespace PiBuild.Tests.Devices;

public sealed class FleetSpecs
{
    private static readonly ProjectConfig Config = ProjectConfig.Parse(
        "devices:\n  kitchen: pi@10.0.0.5\n  hall:\n    host: pi@10.0.0.6:2222\n    target: pi1\n    to: /opt/bin\n    restart: hall.service\n  shed: pi@10.0.0.7\ngroups:\n  house: [kitchen, hall]\n",
        "pibuild.yaml");

    private static IReadOnlyList<FleetMember> Resolve(string on) => Fleet.Resolve(on, Config.Devices, Config.Groups);

    [Fact]
    public void Devices_are_read_with_their_own_settings_and_a_plain_string_is_the_host()
    {
        Assert.Equal(["kitchen", "hall", "shed"], Config.Devices.Select(d => d.Name));
        var hall = Config.Devices[1];
        Assert.Equal(("pi@10.0.0.6:2222", "pi1", "/opt/bin", "hall.service"), (hall.Host, hall.Target, hall.To, hall.Restart));
        Assert.Equal("pi@10.0.0.5", Config.Devices[0].Host);
    }

    [Fact]
    public void On_takes_names_groups_all_and_addresses_in_order_each_device_once()
    {
        Assert.Equal(["shed", "kitchen", "hall", "pi@10.0.0.9"], Resolve("shed,@house,kitchen,pi@10.0.0.9").Select(m => m.Name));
        Assert.Equal(["kitchen", "hall", "shed"], Resolve("@all").Select(m => m.Name));
        Assert.Equal(2222, Resolve("hall")[0].Address.Port);
        Assert.Equal("my-ssh-alias", Resolve("my-ssh-alias")[0].Address.Host);
    }

    [Theory]
    [InlineData("kitchn", "unknown device 'kitchn' (did you mean 'kitchen'?)")]
    [InlineData("@hous", "unknown group 'hous' in --on (did you mean 'house'?)")]
    [InlineData("kitchen,,hall", "has an empty entry")]
    public void A_name_that_is_almost_a_device_or_group_is_a_usage_error(string on, string message) =>
        Assert.Contains(message, Assert.Throws<ConfigurationException>(() => Resolve(on)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("devices:\n  a: pi@h\ngroups:\n  g: []\n", "pibuild.yaml:4:3: group 'g' lists no device")]
    [InlineData("devices:\n  a: pi@h\ngroups:\n  g: [b]\n", "pibuild.yaml:4:3: group 'g' names 'b', which is not under devices:")]
    [InlineData("devices:\n  a:\n    target: pi1\n", "pibuild.yaml:2:3: device 'a' needs a host")]
    [InlineData("devices:\n  a:\n    host: pi@h\n    to: bin\n", "pibuild.yaml:4:9: 'to' of device 'a' must be an absolute directory")]
    [InlineData("devices:\n  a:\n    hots: pi@h\n", "pibuild.yaml:3:5: unknown key 'hots' in 'devices.a'")]
    public void A_bad_devices_or_groups_section_is_refused_where_it_stands(string yaml, string message) =>
        Assert.StartsWith(message, Assert.Throws<ConfigurationException>(() => ProjectConfig.Parse(yaml, "pibuild.yaml")).Message, StringComparison.Ordinal);
}
