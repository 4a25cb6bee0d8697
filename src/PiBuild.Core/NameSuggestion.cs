namespace PiBuild.Core;

/// <summary>"Did you mean …?" for keys and names, by edit distance.</summary>
internal static class NameSuggestion
{
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = (int.MaxValue, int.MaxValue);
        foreach (var candidate in candidates)
        {
            // Among equally close names the one nearest where they first differ wins: 'pi6' suggests 'pi5', not 'pi0'.
            var distance = (Distance(input.ToLowerInvariant(), candidate.ToLowerInvariant()), FirstDifference(input, candidate));
            if (distance.CompareTo(bestDistance) < 0)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        // Past a third of the word the "suggestion" is noise rather than a likely typo.
        return best is not null && bestDistance.Item1 <= Math.Max(1, input.Length / 3) ? best : null;
    }

    /// <summary>Formats " (did you mean 'x'?)" or nothing, for appending to an error.</summary>
    public static string Hint(string input, IEnumerable<string> candidates) =>
        Closest(input, candidates) is { } match ? $" (did you mean '{match}'?)" : "";

    private static int FirstDifference(string a, string b)
    {
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }

        return i < a.Length && i < b.Length ? Math.Abs(a[i] - b[i]) : 0;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
