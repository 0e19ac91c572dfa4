using Distiller.Typed.Thresholding;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// Mean-L1-ranked structure pruning on the AGP schedule (Distiller's <c>L1RankedStructureParameterPruner_AGP</c>): at each call it prunes the fraction
/// s(t) = s_f + (s_i − s_f)·(1 − (t − t₀)/span)³ of structures as <see cref="L1RankedStructureParameterPruner"/> ranks them
/// (see <see cref="StructuredAgpPruner"/>).
/// </summary>
public sealed class L1RankedStructureParameterPrunerAgp : StructuredAgpPruner
{
    public const string ClassName = "L1RankedStructureParameterPruner_AGP";

    /// <param name="name">The schedule's instance name.</param>
    /// <param name="initialSparsity">s_i, the target at the starting epoch.</param>
    /// <param name="finalSparsity">s_f, reached at the last pruning epoch; greater than s_i.</param>
    /// <param name="groupType"><c>Filters</c>/<c>3D</c>, <c>Channels</c>, <c>Rows</c> or <c>Blocks</c>.</param>
    /// <param name="weights">The parameters to prune (the first is the leader under <c>group_dependency: Leader</c>).</param>
    /// <param name="groupDependency">Null or <c>"Leader"</c>.</param>
    /// <param name="blockShape">kwargs <c>block_shape</c>; required for <c>Blocks</c>.</param>
    public L1RankedStructureParameterPrunerAgp(string name, double initialSparsity, double finalSparsity, string groupType, IReadOnlyList<string> weights,
        string? groupDependency = null, BlockShape? blockShape = null)
        : base(ClassName, name, initialSparsity, finalSparsity, new L1RankedStructureParameterPruner(name, groupType, 0, weights, groupDependency, blockShape))
    {
    }
}
