using PiBuild.Core.Projects;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Go;

/// <summary>
/// cgo as the command line and <c>pibuild.yaml</c> ask for it: whether every board builds with cgo (<c>--cgo</c>,
/// <c>cgo: true</c>; a profile's <c>cgo: true</c> holds either way), and each board's sysroot. The command line wins:
/// <c>--sysroot BOARD=DIR</c>, then <c>--sysroot DIR</c> (every board), then <c>sysroots:</c> (relative to the project).
/// </summary>
internal sealed record CgoOptions(bool Enabled, string? Every, IReadOnlyDictionary<string, string> ByTarget)
{
    public static CgoOptions None { get; } = new(false, null, new Dictionary<string, string>());

    /// <summary>--sysroot was given on the command line.</summary>
    private bool SysrootsGiven { get; init; }

    /// <param name="sysroots">The <c>--sysroot</c> values: <c>DIR</c>, or <c>BOARD=DIR</c> (a directory whose name has '=' is written ./NAME).</param>
    public static CgoOptions From(bool cgo, IReadOnlyList<string> sysroots, ProjectConfig config, string? projectRoot, ProfileCatalog catalog)
    {
        string? every = null;
        var byTarget = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var configured in config.Sysroots)
        {
            if (!catalog.Contains(configured.Target))
            {
                throw new ConfigurationException($"{configured.At}: unknown target '{configured.Target}' in 'sysroots'{NameSuggestion.Hint(configured.Target, catalog.Names)}");
            }

            byTarget[configured.Target] = Path.GetFullPath(configured.Directory, projectRoot ?? Environment.CurrentDirectory);
        }

        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in sysroots)
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && !value[..equals].Contains('/', StringComparison.Ordinal))
            {
                var board = value[..equals];
                if (!catalog.Contains(board))
                {
                    throw new ConfigurationException($"--sysroot {value}: unknown target '{board}'{NameSuggestion.Hint(board, catalog.Names)}; a directory whose name holds '=' is written ./{value}");
                }

                if (!given.Add(board) || value.Length == equals + 1)
                {
                    throw new ConfigurationException($"--sysroot {value}: give {board} one sysroot, as --sysroot {board}=DIR");
                }

                byTarget[board] = Path.GetFullPath(value[(equals + 1)..]);
            }
            else if (every is null && value.Length > 0)
            {
                every = Path.GetFullPath(value);
            }
            else
            {
                throw new ConfigurationException($"--sysroot {value}: one sysroot for every board is given once; name the board for others (--sysroot pi1=DIR)");
            }
        }

        // The command line's sysroot for every board replaces the file's; its per-board ones replace that.
        if (every is not null)
        {
            foreach (var board in byTarget.Keys.Where(b => !given.Contains(b)).ToArray())
            {
                byTarget.Remove(board);
            }
        }

        return new CgoOptions(cgo || config.Cgo, every, byTarget) { SysrootsGiven = sysroots.Count > 0 };
    }

    /// <summary>The board with cgo on when asked for; as its profile says otherwise.</summary>
    public TargetProfile Apply(TargetProfile target) => target.WithCgo(Enabled);

    /// <summary>The sysroot the board's C code links against; null: the cross toolchain's own.</summary>
    public string? SysrootFor(TargetProfile target) => ByTarget.GetValueOrDefault(target.Name) ?? Every;

    /// <summary>A --sysroot that no board builds with cgo for is a usage error, said before anything else.</summary>
    public void CheckSysrootsUsed(IReadOnlyList<TargetProfile> targets)
    {
        if (SysrootsGiven && !targets.Any(t => t.Cgo))
        {
            throw new ConfigurationException("--sysroot is for cgo builds; add --cgo (or cgo: true in pibuild.yaml)");
        }
    }
}
