using PiBuild.Core;
using PiBuild.Core.Fetching;

namespace PiBuild.Tests.Fetching;

public sealed class FetchPolicySpecs
{
    [Fact]
    public void Limits_come_from_the_environment_and_default_otherwise()
    {
        var variables = new Dictionary<string, string> { ["PIBUILD_IDLE_TIMEOUT"] = "2.5", ["PIBUILD_SPEED_LIMIT"] = "500", ["PIBUILD_FETCH_ATTEMPTS"] = "3" };
        var policy = FetchPolicy.FromEnvironment(name => variables.GetValueOrDefault(name));
        Assert.Equal(TimeSpan.FromSeconds(2.5), policy.IdleTimeout);
        Assert.Equal(500, policy.SpeedLimit);
        Assert.Equal(3, policy.Attempts);
        Assert.Equal(FetchPolicy.Default.ConnectTimeout, policy.ConnectTimeout);
        Assert.Equal(FetchPolicy.Default.SpeedTime, policy.SpeedTime);
    }

    [Theory]
    [InlineData("PIBUILD_IDLE_TIMEOUT", "soon")]
    [InlineData("PIBUILD_IDLE_TIMEOUT", "-1")]
    [InlineData("PIBUILD_FETCH_ATTEMPTS", "0")]
    [InlineData("PIBUILD_SPEED_TIME", "NaN")]
    public void A_limit_that_is_not_a_number_is_a_configuration_error_naming_the_variable(string name, string value)
    {
        var e = Assert.Throws<ConfigurationException>(() => FetchPolicy.FromEnvironment(n => n == name ? value : null));
        Assert.StartsWith($"{name}={value} is not a number of at least", e.Message, StringComparison.Ordinal);
    }
}
