namespace PiBuild.IntegrationTests.Infrastructure;

/// <summary>
/// The Go releases the tests build with: Debian's golang-go (1.19) on PATH, and the newest from bookworm-backports,
/// which scripts/test.sh installs side by side under /usr/lib/go-1.2x. A missing one fails the test that needs it.
/// </summary>
public static class GoToolchains
{
    /// <summary>Debian's own golang-go: the oldest Go the tests build with.</summary>
    public static string Go119 => Installed("1.19");

    public static string Go121 => Installed("1.21");

    public static string Go122 => Installed("1.22");

    /// <summary>The newest Go here: it knows GOARM64, and records it in what it builds.</summary>
    public static string Go123 => Installed("1.23");

    public static string Installed(string release)
    {
        var go = $"/usr/lib/go-{release}/bin/go";
        Assert.True(File.Exists(go), $"{go} is missing: scripts/test.sh installs golang-{release}-go from bookworm-backports");
        return go;
    }
}
