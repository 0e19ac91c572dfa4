using System;
using System.Collections.Generic;
using System.Linq;

namespace Distiller.Typed.Text;

/// <summary>
/// "Did you mean …?" suggestions: the candidates closest to a misspelled name by edit distance
/// (case-insensitive Damerau–Levenshtein, transpositions count once).
/// </summary>
public static class NearestNames
{
    /// <summary>Up to <paramref name="max"/> candidates within a distance of about a third of the name's length.</summary>
    public static IReadOnlyList<string> Find(string name, IEnumerable<string> candidates, int max = 3)
    {
        int limit = Math.Max(2, name.Length / 3);
        return candidates
            .Distinct(StringComparer.Ordinal)
            .Select(c => (Candidate: c, Distance: Distance(name, c)))
            .Where(x => x.Distance <= limit || x.Candidate.EndsWith(name, StringComparison.OrdinalIgnoreCase) || name.EndsWith(x.Candidate, StringComparison.OrdinalIgnoreCase))
            .OrderBy(x => x.Distance)
            .ThenBy(x => x.Candidate, StringComparer.Ordinal)
            .Take(max)
            .Select(x => x.Candidate)
            .ToList();
    }

    /// <summary>"; did you mean 'a' or 'b'?", or an empty string when nothing is close.</summary>
    public static string DidYouMean(string name, IEnumerable<string> candidates, int max = 3)
    {
        var nearest = Find(name, candidates, max);
        if (nearest.Count == 0)
            return "";
        return "; did you mean " + string.Join(" or ", nearest.Select(n => "'" + n + "'")) + "?";
    }

    /// <summary>Optimal-string-alignment distance, ignoring case.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
            d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++)
            d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
