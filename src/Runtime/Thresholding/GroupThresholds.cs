using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Thresholding;

/// <summary>
/// Group-wise thresholding (Distiller's <c>distiller/thresholding.py</c>): cut a parameter into groups, measure each
/// group with a <see cref="ThresholdCriterion"/>, and keep a group only when its measure is strictly above the
/// threshold:
/// <code>
/// binary_map[g] = 1  if criterion(group g) &gt; threshold  else 0
/// mask          = binary_map expanded to the parameter's shape
/// </code>
/// Masks and maps are float tensors of the parameter's dtype on the parameter's device. Distiller supports
/// <c>2D, Rows, Cols, 3D/Filters, Channels</c>; <c>4D</c> (the whole tensor), <c>Blocks</c> and the combined
/// <c>Rows+Cols</c> and <c>Channels+4D</c> (a group survives only if both of its structures survive: the product of
/// the two masks) are added here so that every group lasso regularizer can threshold.
/// </summary>
public static class GroupThresholds
{
    /// <summary>One 1/0 value per group: 1 where the group's measure is above <paramref name="threshold"/>.</summary>
    public static Tensor BinaryMap(Tensor param, GroupType groupType, double threshold, ThresholdCriterion criterion, BlockShape? blockShape = null)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var norms = GroupNorms.Compute(param, groupType, criterion, blockShape);
        return norms.gt(threshold).to_type(param.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>The mask of <paramref name="param"/>'s shape: zeros over every group at or under <paramref name="threshold"/>.</summary>
    public static Tensor Mask(Tensor param, GroupType groupType, double threshold, ThresholdCriterion criterion, BlockShape? blockShape = null)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var mask = groupType switch
        {
            GroupType.RowsAndCols => Mask(param, GroupType.Rows, threshold, criterion).mul_(Mask(param, GroupType.Cols, threshold, criterion)),
            GroupType.ChannelsAndLayer => Mask(param, GroupType.Channels, threshold, criterion).mul_(Mask(param, GroupType.Layer, threshold, criterion)),
            _ => GroupMasks.Expand(param, groupType, BinaryMap(param, groupType, threshold, criterion, blockShape), blockShape),
        };
        return mask.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Distiller's <c>group_threshold_mask(param, group_type, threshold, threshold_criteria)</c> with the strings of a
    /// schedule; checks the group type and the parameter's rank first.
    /// </summary>
    public static (Tensor Mask, Tensor BinaryMap) GroupThresholdMask(Tensor param, string groupType, double threshold, string thresholdCriteria,
        string parameterName = "param")
    {
        const string owner = "group_threshold_mask";
        var type = GroupTypes.Parse(groupType, [GroupType.Kernels, GroupType.Rows, GroupType.Cols, GroupType.Filters, GroupType.Channels, GroupType.Layer], owner);
        var criterion = ThresholdCriteria.Parse(thresholdCriteria, owner);
        GroupTypes.RequireRank(type, param.shape, parameterName, owner);
        using var scope = NewDisposeScope();
        var map = BinaryMap(param, type, threshold, criterion);
        var mask = GroupMasks.Expand(param, type, map);
        return (mask.MoveToOuterDisposeScope(), map.MoveToOuterDisposeScope());
    }
}
