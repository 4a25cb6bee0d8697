namespace PiBuild.Core.Fetching;

/// <summary>
/// The attempts one fetch may make in all, its checksum file's and its file's together (PIBUILD_FETCH_ATTEMPTS): a
/// dead server costs one round of retries, not one round per request.
/// </summary>
internal sealed class RetryBudget(int attempts)
{
    private int _failed;

    /// <summary>How many attempts have failed so far.</summary>
    public int Failed => _failed;

    /// <summary>Counts a failed attempt; true while another may be made.</summary>
    public bool TakeFailure() => ++_failed < attempts;
}
