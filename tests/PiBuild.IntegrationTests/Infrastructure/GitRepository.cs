namespace PiBuild.IntegrationTests.Infrastructure;

/// <summary>Turns a directory into a git repository with a fixed author and date, so commits are the same everywhere.</summary>
public static class GitRepository
{
    private static Dictionary<string, string?> FixedIdentity(string date) => new()
    {
        ["GIT_AUTHOR_NAME"] = "pibuild tests",
        ["GIT_AUTHOR_EMAIL"] = "tests@pibuild.invalid",
        ["GIT_COMMITTER_NAME"] = "pibuild tests",
        ["GIT_COMMITTER_EMAIL"] = "tests@pibuild.invalid",
        ["GIT_AUTHOR_DATE"] = date,
        ["GIT_COMMITTER_DATE"] = date,
    };

    public static async Task CommitAllAsync(string directory, string message, string date = "2024-01-02T03:04:05Z", string? tag = null)
    {
        if (!Directory.Exists(Path.Combine(directory, ".git")))
        {
            await GitAsync(directory, FixedIdentity(date), "init", "-q");
        }

        await GitAsync(directory, FixedIdentity(date), "add", "-A");
        await GitAsync(directory, FixedIdentity(date), "commit", "-q", "-m", message);
        if (tag is not null)
        {
            await GitAsync(directory, FixedIdentity(date), "tag", tag);
        }
    }

    public static Task CloneAsync(string source, string destination) => GitAsync(Path.GetDirectoryName(destination)!, [], "clone", "-q", source, destination);

    private static async Task GitAsync(string directory, Dictionary<string, string?> env, params string[] args)
    {
        Directory.CreateDirectory(directory);
        var result = await Run.ProgramAsync("git", args, directory, env);
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', args)}: {result}");
    }
}
