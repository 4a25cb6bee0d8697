using System.Globalization;

namespace PiBuild.Core.Fetching;

/// <summary>
/// How hard a download tries and how long it waits: attempts with exponential backoff, a connect timeout, an idle
/// timeout (no headers or no bytes for that long) and a low-speed limit (like curl's <c>--speed-limit</c> and
/// <c>--speed-time</c>). Each can be set by an environment variable, named in <see cref="Variables"/>.
/// </summary>
internal sealed record FetchPolicy(int Attempts, TimeSpan FirstDelay, TimeSpan ConnectTimeout, TimeSpan IdleTimeout, long SpeedLimit, TimeSpan SpeedTime)
{
    public const string AttemptsVariable = "PIBUILD_FETCH_ATTEMPTS";
    public const string ConnectTimeoutVariable = "PIBUILD_CONNECT_TIMEOUT";
    public const string IdleTimeoutVariable = "PIBUILD_IDLE_TIMEOUT";
    public const string SpeedLimitVariable = "PIBUILD_SPEED_LIMIT";
    public const string SpeedTimeVariable = "PIBUILD_SPEED_TIME";
    public const int MaxRedirects = 10;

    public static FetchPolicy Default { get; } = new(6, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), 1024, TimeSpan.FromSeconds(60));

    public static IReadOnlyList<string> Variables { get; } = [AttemptsVariable, ConnectTimeoutVariable, IdleTimeoutVariable, SpeedLimitVariable, SpeedTimeVariable];

    public TimeSpan DelayBefore(int attempt) => FirstDelay * Math.Pow(2, attempt - 1);

    public static FetchPolicy FromEnvironment(Func<string, string?> getVariable)
    {
        double? Number(string name, double minimum)
        {
            if (getVariable(name) is not { Length: > 0 } text)
            {
                return null;
            }

            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= minimum && double.IsFinite(value)
                ? value
                : throw new ConfigurationException($"{name}={text} is not a number of at least {minimum}; unset it or give one");
        }

        var defaults = Default;
        return defaults with
        {
            Attempts = (int?)Number(AttemptsVariable, 1) ?? defaults.Attempts,
            ConnectTimeout = Number(ConnectTimeoutVariable, 0.001) is { } connect ? TimeSpan.FromSeconds(connect) : defaults.ConnectTimeout,
            IdleTimeout = Number(IdleTimeoutVariable, 0.001) is { } idle ? TimeSpan.FromSeconds(idle) : defaults.IdleTimeout,
            SpeedLimit = (long?)Number(SpeedLimitVariable, 0) ?? defaults.SpeedLimit,
            SpeedTime = Number(SpeedTimeVariable, 0.001) is { } time ? TimeSpan.FromSeconds(time) : defaults.SpeedTime,
        };
    }
}
