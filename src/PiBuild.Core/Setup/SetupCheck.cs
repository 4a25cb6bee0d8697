namespace PiBuild.Core.Setup;

public enum CheckStatus
{
    Ok,
    Warning,
    Missing,
}

/// <summary>One line of <c>pibuild doctor</c>: what was found, and the command that fixes it when it is missing.</summary>
public sealed record SetupCheck(string Name, CheckStatus Status, string Detail, string? Fix = null, bool Required = true)
{
    /// <summary>True when this check alone means pibuild cannot do its main job here.</summary>
    public bool Blocks => Required && Status == CheckStatus.Missing;
}
