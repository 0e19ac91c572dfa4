using Distiller.Typed.Thresholding;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// Drops each filter independently with probability s and rescales the survivors (Distiller's
/// <c>BernoulliFilterPruner</c>, for DropFilter-style training):
/// <code>
/// keep_f ~ Bernoulli(1 − s)                mask[f,…] = keep_f / (Σ_f keep_f / F)
/// </code>
/// The mask's kept entries exceed 1 (inverted dropout), so use it with <c>mask_on_forward_only</c> /
/// <c>use_double_copies</c> as Distiller's DropFilter example does, or the weights grow each time the mask is
/// applied. When every filter is dropped Distiller divides by zero (a NaN mask); here the mask is all zeros.
/// Park et al., "DropFilter", arXiv:1811.06783.
/// </summary>
public sealed class BernoulliFilterPruner : RankedStructureParameterPruner
{
    public const string ClassName = "BernoulliFilterPruner";

    /// <param name="name">The schedule's instance name.</param>
    /// <param name="groupType"><c>Filters</c> or <c>3D</c>.</param>
    /// <param name="desiredSparsity">Probability of dropping each filter, in [0, 1].</param>
    /// <param name="weights">The convolution weights to prune.</param>
    /// <param name="groupDependency">Null or <c>"Leader"</c>.</param>
    public BernoulliFilterPruner(string name, string groupType, double desiredSparsity, IReadOnlyList<string> weights, string? groupDependency = null)
        : base(ClassName, [GroupType.Filters], name, groupType, desiredSparsity, weights, groupDependency)
    {
    }

    protected override Tensor? RankStructures(double fractionToPrune, Tensor parameter, string parameterName, PruningMeta meta) =>
        full(parameter.shape[0], 1 - fractionToPrune, dtype: parameter.dtype, device: parameter.device).bernoulli();

    protected override Tensor MaskFromBinaryMap(Tensor parameter, Tensor binaryMap)
    {
        var mask = GroupMasks.Expand(parameter, GroupType.Filters, binaryMap);
        if (binaryMap.count_nonzero().item<long>() == 0)
            return mask;
        return mask.div_(binaryMap.sum().div(binaryMap.shape[0]));
    }
}
