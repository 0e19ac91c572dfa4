using Distiller.Typed.Thresholding;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// The base of the filter pruners that rank by a per-filter importance score (activation statistics, weight×gradient,
/// randomness): for F filters and target sparsity s it prunes exactly
/// <code>
/// n = floor(s · F)      filters with the lowest importance          (nothing when n = 0)
/// </code>
/// Group type <c>Filters</c>/<c>3D</c> only.
/// </summary>
public abstract class FilterRankedPruner : RankedStructureParameterPruner
{
    private protected FilterRankedPruner(string className, string name, string groupType, double desiredSparsity,
        IReadOnlyList<string> weights, string? groupDependency)
        : base(className, [GroupType.Filters], name, groupType, desiredSparsity, weights, groupDependency)
    {
    }

    /// <summary>One importance score per filter (higher is kept), or null to leave the mask unchanged this time.</summary>
    protected abstract Tensor? Importance(Tensor parameter, string parameterName, PruningMeta meta);

    protected override Tensor? RankStructures(double fractionToPrune, Tensor parameter, string parameterName, PruningMeta meta)
    {
        long filters = parameter.shape[0];
        int n = (int)(fractionToPrune * filters);
        if (n == 0)
            return null;
        var importance = Importance(parameter, parameterName, meta);
        if (importance is null)
            return null;
        if (importance.shape.Length != 1 || importance.shape[0] != filters)
            throw new InvalidOperationException(
                $"{Owner}: '{parameterName}' has {filters} filters but its ranking has {importance.shape.Aggregate(1L, (a, b) => a * b)} entries.");
        return StructureRanking.PruneLeastImportant(importance.to(parameter.device), n, parameter.dtype);
    }
}
