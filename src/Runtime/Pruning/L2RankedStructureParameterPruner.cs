using Distiller.Typed.Thresholding;

namespace Distiller.Typed.Pruning;

/// <summary>
/// Prunes the structures with the smallest mean L2 norm, m_j = √Σw² / |S_j|, to <c>desired_sparsity</c>
/// (Distiller's <c>L2RankedStructureParameterPruner</c>; formula and group types in <see cref="LpRankedStructureParameterPruner"/>).
/// Li et al., "Pruning Filters for Efficient ConvNets", ICLR 2017.
/// </summary>
public sealed class L2RankedStructureParameterPruner : LpRankedStructureParameterPruner
{
    public const string ClassName = "L2RankedStructureParameterPruner";

    /// <param name="name">The schedule's instance name.</param>
    /// <param name="groupType"><c>Filters</c>/<c>3D</c>, <c>Channels</c>, <c>Rows</c> or <c>Blocks</c>.</param>
    /// <param name="desiredSparsity">Fraction of structures to prune, in [0, 1].</param>
    /// <param name="weights">The parameters to prune (the first is the leader under <c>group_dependency: Leader</c>).</param>
    /// <param name="groupDependency">Null or <c>"Leader"</c>.</param>
    /// <param name="blockShape">kwargs <c>block_shape</c>; required for <c>Blocks</c>.</param>
    /// <param name="noise">Probability of ranking by magnitudes multiplied by N(0,1) noise.</param>
    /// <param name="groupSize">Adjacent structures ranked and pruned together.</param>
    public L2RankedStructureParameterPruner(string name, string groupType, double desiredSparsity, IReadOnlyList<string> weights,
        string? groupDependency = null, BlockShape? blockShape = null, double noise = 0, int groupSize = 1)
        : base(ClassName, name, groupType, desiredSparsity, weights, groupDependency, blockShape, noise, groupSize, GroupNorm.L2)
    {
    }
}
