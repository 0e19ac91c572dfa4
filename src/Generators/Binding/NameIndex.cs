using System;
using System.Collections.Generic;
using System.Linq;
using Distiller.Typed.Generators.Model;

namespace Distiller.Typed.Generators.Binding;

/// <summary>How a name relates to a model.</summary>
internal enum NameMatch
{
    /// <summary>The model has the name (a wildcard segment matched where needed).</summary>
    Found,

    /// <summary>The model certainly lacks it.</summary>
    Missing,

    /// <summary>The name lies below a module the generator cannot see: say nothing.</summary>
    Unknown,
}

/// <summary>
/// Looks names up among a model's parameter or module names, where a <c>&lt;index&gt;</c> segment matches any
/// non-negative integer and <c>&lt;key&gt;</c> any segment, and names below an open module are unknown.
/// </summary>
internal sealed class NameIndex
{
    private readonly HashSet<string> _exact;
    private readonly List<string[]> _patterns;
    private readonly IReadOnlyList<string> _openPrefixes;

    public NameIndex(IEnumerable<string> names, IReadOnlyList<string> openPrefixes)
    {
        Names = names.ToList();
        _exact = new HashSet<string>(Names.Where(n => !HasWildcard(n)), StringComparer.Ordinal);
        _patterns = Names.Where(HasWildcard).Select(n => n.Split('.')).ToList();
        _openPrefixes = openPrefixes;
    }

    public IReadOnlyList<string> Names { get; }

    public static bool HasWildcard(string name) =>
        name.IndexOf(ModuleNode.IndexSegment, StringComparison.Ordinal) >= 0
        || name.IndexOf(ModuleNode.KeySegment, StringComparison.Ordinal) >= 0;

    public NameMatch Match(string name)
    {
        if (_exact.Contains(name))
        {
            return NameMatch.Found;
        }

        var segments = name.Split('.');
        if (_patterns.Any(p => Matches(p, segments)))
        {
            return NameMatch.Found;
        }

        return OpenPrefixOf(name) is null ? NameMatch.Missing : NameMatch.Unknown;
    }

    /// <summary>The open module <paramref name="name"/> lies below (empty for an open model), or null.</summary>
    public string? OpenPrefixOf(string name)
    {
        var segments = name.Split('.');
        foreach (var prefix in _openPrefixes)
        {
            if (prefix.Length == 0 || StartsWithModule(segments, prefix.Split('.')))
            {
                return prefix;
            }
        }

        return null;
    }

    /// <summary>Names to suggest for <paramref name="name"/>: wildcard segments take the user's own segment, so
    /// <c>layer1.3.conv1.wieght</c> suggests <c>layer1.3.conv1.weight</c>.</summary>
    public IEnumerable<string> Candidates(string name)
    {
        var segments = name.Split('.');
        foreach (var candidate in Names)
        {
            if (!HasWildcard(candidate))
            {
                yield return candidate;
                continue;
            }

            // The user's segment at the wildcard's place, where it fits (a number for <index>).
            var parts = candidate.Split('.');
            yield return string.Join(".", parts.Select((p, i) =>
                i < segments.Length && (p == ModuleNode.KeySegment && segments[i].Length > 0 || p == ModuleNode.IndexSegment && segments[i].Length > 0 && segments[i].All(char.IsDigit))
                    ? segments[i]
                    : p));
        }
    }

    private static bool IsWildcard(string segment) => segment is ModuleNode.IndexSegment or ModuleNode.KeySegment;

    private static bool Matches(string[] pattern, string[] segments)
    {
        if (pattern.Length != segments.Length)
        {
            return false;
        }

        for (var i = 0; i < pattern.Length; i++)
        {
            var ok = pattern[i] switch
            {
                ModuleNode.IndexSegment => segments[i].Length > 0 && segments[i].All(char.IsDigit),
                ModuleNode.KeySegment => segments[i].Length > 0,
                _ => pattern[i] == segments[i],
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool StartsWithModule(string[] segments, string[] prefix)
    {
        if (segments.Length <= prefix.Length)
        {
            return false;
        }

        return Matches(prefix, segments.Take(prefix.Length).ToArray());
    }
}
