namespace Distiller.Typed.Thresholding;

/// <summary>Parses Distiller's <c>group_type</c> strings and checks a parameter's rank can be cut into the groups.</summary>
public static class GroupTypes
{
    private static readonly (string Name, GroupType Type)[] Spellings =
    [
        ("2D", GroupType.Kernels),
        ("Rows", GroupType.Rows),
        ("Cols", GroupType.Cols),
        ("Rows+Cols", GroupType.RowsAndCols),
        ("Cols+Rows", GroupType.RowsAndCols),
        ("3D", GroupType.Filters),
        ("Filters", GroupType.Filters),
        ("Channels", GroupType.Channels),
        ("4D", GroupType.Layer),
        ("Channels+4D", GroupType.ChannelsAndLayer),
        ("4D+Channels", GroupType.ChannelsAndLayer),
        ("Blocks", GroupType.Blocks),
    ];

    /// <summary>The schedule spellings of <paramref name="type"/> (the first is the canonical one).</summary>
    public static IReadOnlyList<string> NamesOf(GroupType type) =>
        Spellings.Where(s => s.Type == type).Select(s => s.Name).ToArray();

    /// <summary>
    /// Parses <paramref name="groupType"/> (case-sensitive, as Distiller compares it) and checks it is one of
    /// <paramref name="allowed"/>; the exception lists the valid spellings for <paramref name="owner"/>.
    /// </summary>
    public static GroupType Parse(string? groupType, IReadOnlyCollection<GroupType> allowed, string owner)
    {
        var valid = Spellings.Where(s => allowed.Contains(s.Type)).Select(s => s.Name).ToArray();
        foreach (var (name, type) in Spellings)
            if (string.Equals(name, groupType, StringComparison.Ordinal) && allowed.Contains(type))
                return type;
        throw new ArgumentException(
            $"{owner}: group_type '{groupType}' is not supported; valid group types are {string.Join(", ", valid.Select(v => $"'{v}'"))}.",
            "group_type");
    }

    /// <summary>The ranks (numbers of dimensions) a parameter must have to be cut into <paramref name="type"/> groups.</summary>
    public static IReadOnlyList<int> SupportedRanks(GroupType type) =>
        Catalogue.GroupTypeRanks.Of(NamesOf(type)[0]) ?? throw new ArgumentOutOfRangeException(nameof(type), type, null);

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> naming the parameter and its shape when its rank cannot be cut into
    /// <paramref name="type"/> groups (e.g. <c>Channels</c> on a 1-D bias).
    /// </summary>
    public static void RequireRank(GroupType type, ReadOnlySpan<long> shape, string parameterName, string owner)
    {
        var ranks = SupportedRanks(type);
        if (ranks.Contains(shape.Length))
            return;
        throw new ArgumentException(
            $"{owner}: parameter '{parameterName}' has shape {FormatShape(shape)} ({shape.Length}-D), but group_type " +
            $"'{NamesOf(type)[0]}' needs a {string.Join(" or ", ranks.Select(r => $"{r}-D"))} tensor.",
            parameterName);
    }

    /// <summary>Formats a shape the way PyTorch prints it: <c>(16, 3, 3, 3)</c>.</summary>
    public static string FormatShape(ReadOnlySpan<long> shape) => "(" + string.Join(", ", shape.ToArray()) + ")";
}
