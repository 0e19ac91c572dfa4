using Distiller.Typed.Thresholding;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// Ranks structures by their mean Lp norm and prunes the lowest-ranked (Distiller's
/// <c>LpRankedStructureParameterPruner</c>). For group type G with n structures S₁…S_n and target sparsity s:
/// <code>
/// k         = num_structs_to_prune(n, group_size, s)        (floor(s·n), never all n unless s = 1)
/// m_j       = ‖S_j‖_p / |S_j|                                (Blocks: ‖S_j‖_p, blocks are equal-sized)
/// threshold = k-th smallest m_j                              (Blocks: k = floor(s · #blocks))
/// keep S_j  ⇔ m_j &gt; threshold                                (ties at the threshold are pruned too)
/// </code>
/// Group types: <c>Filters</c>/<c>3D</c> (dimension 0 of a 3-D/4-D weight), <c>Channels</c> (dimension 1; the columns of
/// a Linear weight), <c>Rows</c> (the rows of a 2-D weight), <c>Blocks</c> (see <see cref="Thresholding.BlockShape"/>).
/// Distiller ranks and prunes <c>Rows</c> exactly like <c>Channels</c>, i.e. it removes columns of a Linear weight; here
/// <c>Rows</c> removes rows, and <c>Channels</c> gives Distiller's column pruning. With <c>group_size</c> g &gt; 1 Distiller
/// asks for k of the n/g group norms and expands a map of the wrong length; here k/g groups of g adjacent structures are pruned.
/// Li et al., "Pruning Filters for Efficient ConvNets", ICLR 2017 (arXiv:1608.08710).
/// </summary>
public abstract class LpRankedStructureParameterPruner : RankedStructureParameterPruner
{
    private static readonly GroupType[] RankedGroups = [GroupType.Filters, GroupType.Channels, GroupType.Rows, GroupType.Blocks];

    private protected LpRankedStructureParameterPruner(string className, string name, string groupType, double desiredSparsity,
        IReadOnlyList<string> weights, string? groupDependency, BlockShape? blockShape, double noise, int groupSize, GroupNorm magnitude)
        : base(className, RankedGroups, name, groupType, desiredSparsity, weights, groupDependency, groupSize, noise, blockShape)
    {
        Magnitude = magnitude;
    }

    /// <summary>The norm structures are ranked by (L1 or L2).</summary>
    public GroupNorm Magnitude { get; }

    protected override Tensor? RankStructures(double fractionToPrune, Tensor parameter, string parameterName, PruningMeta meta)
    {
        Tensor magnitudes;
        int k;
        if (GroupType == GroupType.Blocks)
        {
            magnitudes = GroupNorms.Compute(parameter, GroupType.Blocks, Magnitude, lengthNormalized: false, BlockShape);
            k = (int)(fractionToPrune * magnitudes.shape[0]);
        }
        else
        {
            long structures = GroupType == GroupType.Channels ? parameter.shape[1] : parameter.shape[0];
            k = StructureRanking.NumStructsToPrune(structures, GroupSize, fractionToPrune) / GroupSize;
            magnitudes = GroupNorms.Compute(parameter, GroupType, Magnitude, lengthNormalized: true, groupLength: GroupSize);
        }
        if (k <= 0)
            return null;
        var (threshold, ranked) = StructureRanking.KthSmallest(magnitudes, k, Noise);
        return ranked.gt(threshold).to_type(parameter.dtype);
    }
}
