using ArchUnitNET.Domain;

namespace PiBuild.Tests.Architecture;

/// <summary>
/// Which area (the first namespace below a root: PiBuild.Core.Devices, PiBuild.Core.Releases.Debian → Devices,
/// Releases) uses which, with one type dependency behind each edge as evidence. Types in the root namespace itself
/// (Workspace, the JSON context) are the composition root and belong to no area.
/// </summary>
internal sealed class AreaGraph
{
    private readonly SortedDictionary<string, SortedDictionary<string, string>> _edges = new(StringComparer.Ordinal);

    public static AreaGraph Of(IEnumerable<IType> types, string root)
    {
        var graph = new AreaGraph();
        foreach (var type in types)
        {
            if (AreaOf(type.Namespace?.FullName ?? "", root) is not { } from)
            {
                continue;
            }

            foreach (var dependency in type.Dependencies)
            {
                if (dependency?.Target is { Namespace: not null } target && AreaOf(target.Namespace.FullName, root) is { } to && to != from)
                {
                    graph.Edges(from).TryAdd(to, $"{type.FullName} → {target.FullName}");
                }
            }
        }

        return graph;
    }

    public IReadOnlyCollection<string> Areas => _edges.Keys;

    public bool Uses(string from, string to) => _edges.TryGetValue(from, out var edges) && edges.ContainsKey(to);

    /// <summary>Each strongly connected group of areas, said as one loop through it with the types behind each step.</summary>
    public List<string> Cycles()
    {
        var found = new List<string>();
        var done = new HashSet<string>();
        foreach (var start in _edges.Keys)
        {
            if (done.Contains(start) || ShortestLoop(start) is not { } loop)
            {
                continue;
            }

            done.UnionWith(loop);
            var steps = loop.Zip(loop.Skip(1).Append(loop[0]), (a, b) => $"  {a} → {b}   ({_edges[a][b]})");
            found.Add(string.Join(" → ", loop.Append(loop[0])) + "\n" + string.Join("\n", steps));
        }

        return found;
    }

    private SortedDictionary<string, string> Edges(string from)
    {
        if (!_edges.TryGetValue(from, out var edges))
        {
            _edges[from] = edges = new SortedDictionary<string, string>(StringComparer.Ordinal);
        }

        return edges;
    }

    private List<string>? ShortestLoop(string start)
    {
        var cameFrom = new Dictionary<string, string>();
        var queue = new Queue<string>([start]);
        while (queue.Count > 0)
        {
            var at = queue.Dequeue();
            foreach (var next in _edges.TryGetValue(at, out var e) ? e.Keys.ToList() : [])
            {
                if (next == start)
                {
                    var loop = new List<string> { at };
                    while (loop[^1] != start)
                    {
                        loop.Add(cameFrom[loop[^1]]);
                    }

                    loop.Reverse();
                    return loop;
                }

                if (cameFrom.TryAdd(next, at))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return null;
    }

    private static string? AreaOf(string ns, string root) =>
        ns.StartsWith(root + ".", StringComparison.Ordinal) ? ns[(root.Length + 1)..].Split('.')[0] : null;
}
