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

    // A dead server costs about two minutes in all: 4 attempts of at most 10 s to connect and 20 s for an answer, with
    // 0.5, 1 and 2 s between them. A live but slow one is only cut below 1 KiB/s for 30 s.
    public static FetchPolicy Default { get; } = new(4, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), 1024, TimeSpan.FromSeconds(30));

    public static IReadOnlyList<string> Variables { get; } = [AttemptsVariable, ConnectTimeoutVariable, IdleTimeoutVariable, SpeedLimitVariable, SpeedTimeVariable];

    public TimeSpan DelayBefore(int attempt) => FirstDelay * Math.Pow(2, attempt - 1);

    /// <param name="idleTimeout">--timeout: how long a silent server is waited for (each attempt), over the environment's.</param>
    public static FetchPolicy FromEnvironment(Func<string, string?> getVariable, TimeSpan? idleTimeout = null)
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
            IdleTimeout = idleTimeout ?? (Number(IdleTimeoutVariable, 0.001) is { } idle ? TimeSpan.FromSeconds(idle) : defaults.IdleTimeout),
            SpeedLimit = (long?)Number(SpeedLimitVariable, 0) ?? defaults.SpeedLimit,
            SpeedTime = Number(SpeedTimeVariable, 0.001) is { } time ? TimeSpan.FromSeconds(time) : defaults.SpeedTime,
        };
    }
}
