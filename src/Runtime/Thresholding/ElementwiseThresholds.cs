using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Thresholding;

/// <summary>
/// Fine-grained (element-wise) masks, as Distiller's <c>distiller.pruning</c> helpers
/// <c>create_mask_threshold_criterion</c>, <c>create_mask_level_criterion</c> and
/// <c>create_mask_sensitivity_criterion</c>. Every mask has the tensor's shape, dtype and device and holds
/// 1 where the element is kept and 0 where it is pruned.
/// </summary>
public static class ElementwiseThresholds
{
    /// <summary>
    /// <c>mask = |w| &gt; threshold</c>: every element whose magnitude is at or under the threshold is pruned.
    /// </summary>
    public static Tensor MaskByThreshold(Tensor tensor, double threshold)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (double.IsNaN(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be a number.");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return tensor.detach().abs().gt(threshold).to_type(tensor.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>mask = |w| &gt; t</c> where <c>t</c> is the k-th smallest magnitude, <c>k = int(desired_sparsity × numel)</c>
    /// (Distiller's level criterion). Elements tied with the k-th smallest are pruned too, as in Distiller. When
    /// <c>k</c> is 0 nothing is pruned (Distiller fails on an empty top-k there).
    /// </summary>
    public static Tensor MaskBySparsityLevel(Tensor tensor, double desiredSparsity)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!(desiredSparsity >= 0 && desiredSparsity <= 1))
            throw new ArgumentOutOfRangeException(nameof(desiredSparsity), desiredSparsity,
                "The desired sparsity is a fraction of the elements to prune, in [0, 1].");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var k = KthForSparsity(tensor.numel(), desiredSparsity);
        if (k == 0)
            return ones_like(tensor).MoveToOuterDisposeScope();
        var magnitudes = tensor.detach().abs().reshape(-1);
        var (threshold, _) = magnitudes.kthvalue(k, 0);
        return magnitudes.gt(threshold).to_type(tensor.dtype).reshape(tensor.shape).MoveToOuterDisposeScope();
    }

    /// <summary>How many elements Distiller's level criterion prunes: <c>int(desired_sparsity × numel)</c>.</summary>
    public static long KthForSparsity(long numel, double desiredSparsity) => (long)(desiredSparsity * numel);

    /// <summary>
    /// Han et al., "Learning both Weights and Connections for Efficient Neural Networks" (2015):
    /// <c>threshold = std(w) × sensitivity</c> (unbiased standard deviation), then <see cref="MaskByThreshold"/>.
    /// </summary>
    public static Tensor MaskBySensitivity(Tensor tensor, double sensitivity) =>
        MaskByThreshold(tensor, StandardDeviation(tensor) * sensitivity);

    /// <summary>The unbiased standard deviation of all elements, as <c>torch.std(tensor).item()</c>.</summary>
    public static double StandardDeviation(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return tensor.detach().std(unbiased: true).ToDouble();
    }

    /// <summary>The fraction of elements of <paramref name="tensor"/> that are exactly zero (Distiller's <c>sparsity</c>).</summary>
    public static double Sparsity(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var zeros = tensor.logical_not().sum().ToInt64();
        return (double)zeros / tensor.numel();
    }
}
