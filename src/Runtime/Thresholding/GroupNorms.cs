using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Thresholding;

/// <summary>
/// Norms of the groups of a weight tensor, as Distiller's <c>distiller/norms.py</c>: the tensor is viewed as a
/// <c>(groups, group_size)</c> matrix (see <see cref="GroupView"/>) and each row is reduced with the norm;
/// <c>length_normalized</c> divides each norm by the number of elements in the group.
/// </summary>
public static class GroupNorms
{
    /// <summary>
    /// A <c>(groups, group_size)</c> view of <paramref name="param"/>: kernels (<c>2D</c>) are its <c>KH·KW</c> slices,
    /// filters its dimension-0 slices, channels its dimension-1 slices, rows/columns those of a 2-D matrix, <c>4D</c> the
    /// whole tensor. <paramref name="groupLength"/> adjacent groups are joined into one (Distiller's <c>group_len</c>).
    /// </summary>
    public static Tensor GroupView(Tensor param, GroupType groupType, BlockShape? blockShape = null, int groupLength = 1)
    {
        var view = groupType switch
        {
            GroupType.Kernels => param.reshape(-1, param.shape[2] * param.shape[3]),
            GroupType.Rows => param,
            GroupType.Cols => param.t(),
            GroupType.Filters => param.reshape(param.shape[0], -1),
            GroupType.Channels => param.transpose(0, 1).reshape(param.shape[1], -1),
            GroupType.Layer => param.reshape(1, -1),
            GroupType.Blocks => (blockShape ?? throw new ArgumentException("group_type 'Blocks' needs a block_shape.", nameof(blockShape))).Groups(param),
            _ => throw new ArgumentException(
                $"group_type '{GroupTypes.NamesOf(groupType)[0]}' combines two group types and has no single group view.", nameof(groupType)),
        };
        if (groupLength == 1)
            return view;
        if (view.shape[0] % groupLength != 0)
            throw new ArgumentException(
                $"group_size {groupLength} does not divide the {view.shape[0]} groups of a tensor of shape {GroupTypes.FormatShape(param.shape)}.",
                nameof(groupLength));
        return view.reshape(-1, groupLength * view.shape[1]);
    }

    /// <summary>Reduces each row of a <c>(groups, group_size)</c> matrix with <paramref name="norm"/>.</summary>
    public static Tensor RowNorms(Tensor groups, GroupNorm norm) => norm switch
    {
        GroupNorm.L1 => groups.abs().sum(1),
        GroupNorm.L2 => groups.norm(1, false, 2f),
        GroupNorm.Max => groups.abs().amax(1),
        _ => throw new ArgumentOutOfRangeException(nameof(norm), norm, null),
    };

    /// <summary>
    /// One norm per group of <paramref name="param"/> (a 1-D tensor on its device), divided by the group's element count
    /// when <paramref name="lengthNormalized"/>. Computed without autograd.
    /// </summary>
    public static Tensor Compute(Tensor param, GroupType groupType, GroupNorm norm, bool lengthNormalized,
        BlockShape? blockShape = null, int groupLength = 1)
    {
        using var _ = no_grad();
        var groups = GroupView(param.detach(), groupType, blockShape, groupLength);
        var norms = RowNorms(groups, norm);
        return lengthNormalized ? norms.div_(groups.shape[1]) : norms;
    }

    /// <summary>The norms a <see cref="ThresholdCriterion"/> compares with its threshold.</summary>
    public static Tensor Compute(Tensor param, GroupType groupType, ThresholdCriterion criterion, BlockShape? blockShape = null) =>
        Compute(param, groupType, ThresholdCriteria.NormOf(criterion), ThresholdCriteria.IsLengthNormalized(criterion), blockShape);
}
