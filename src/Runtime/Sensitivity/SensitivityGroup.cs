namespace Distiller.Typed.Sensitivity;

/// <summary>
/// What a sensitivity analysis prunes (Distiller's <c>--sense</c>): single weights by magnitude, or whole filters
/// or channels of a convolution ranked by their mean L1 norm.
/// </summary>
public enum SensitivityGroup
{
    /// <summary>Magnitude level pruning of single weights (<c>SparsityLevelParameterPruner</c>); 2-D and 4-D weights.</summary>
    Element,
    /// <summary>L1-ranked filters (<c>L1RankedStructureParameterPruner</c>, <c>Filters</c>); 4-D weights only.</summary>
    Filter,
    /// <summary>L1-ranked channels (<c>L1RankedStructureParameterPruner</c>, <c>Channels</c>); 4-D weights only.</summary>
    Channel,
}

public static class SensitivityGroups
{
    /// <summary>The names <c>--sense</c> takes, in Distiller's order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["element", "filter", "channel"];

    public static string Name(this SensitivityGroup group) => Names[(int)group];

    /// <summary>Parses a <c>--sense</c> value (case-insensitive, as Distiller lower-cases it).</summary>
    public static SensitivityGroup Parse(string value, string option = "--sense")
    {
        var index = Names.ToList().IndexOf(value.ToLowerInvariant());
        return index >= 0
            ? (SensitivityGroup)index
            : throw new ArgumentException($"{option} must be one of {string.Join(", ", Names)}; got '{value}'.");
    }
}
