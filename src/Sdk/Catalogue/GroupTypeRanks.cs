using System.Collections.Generic;

namespace Distiller.Typed.Catalogue;

/// <summary>
/// The tensor ranks a parameter must have to be cut into the groups of each <c>group_type</c> spelling: one table for
/// the generator's DTS105 and the runtime's pruners and regularizers. Distiller's thresholding.py asserts 4-D for
/// <c>4D</c> and <c>Channels</c>; this runtime also cuts 2-D weights (a linear layer's input columns for
/// <c>Channels</c>, the whole matrix for <c>4D</c>) and 3-D ones (docs/differences.md).
/// </summary>
public static class GroupTypeRanks
{
    private static readonly Dictionary<string, int[]> Ranks = new(System.StringComparer.Ordinal)
    {
        ["2D"] = [4],
        ["Rows"] = [2],
        ["Cols"] = [2],
        ["Rows+Cols"] = [2],
        ["Cols+Rows"] = [2],
        ["3D"] = [3, 4],
        ["Filters"] = [3, 4],
        ["Channels"] = [2, 3, 4],
        ["4D"] = [1, 2, 3, 4],
        ["Channels+4D"] = [2, 3, 4],
        ["4D+Channels"] = [2, 3, 4],
        ["Blocks"] = [4],
    };

    /// <summary>The ranks <paramref name="groupType"/> (case-sensitive, as Distiller compares it) supports; null for a
    /// spelling that is not a group type.</summary>
    public static IReadOnlyList<int>? Of(string groupType) => Ranks.TryGetValue(groupType, out var ranks) ? ranks : null;
}
