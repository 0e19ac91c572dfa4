using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Training;

/// <summary>Top-k accuracy counts (a sample is correct when its label is among its k largest logits).</summary>
public static class Accuracy
{
    /// <summary>How many of the rows of <paramref name="logits"/> have <paramref name="target"/> among their <paramref name="k"/> largest values.</summary>
    public static long CorrectTopK(Tensor logits, Tensor target, int k)
    {
        using var scope = NewDisposeScope();
        return CountTopK(logits, target, k).item<long>();
    }

    /// <summary>
    /// Top-1 and top-<paramref name="k"/> counts from one <c>topk</c> (the top-1 column is the first of the top-k), as
    /// int64 scalars on the logits' device.
    /// </summary>
    public static (Tensor Top1, Tensor TopK) CountTop1AndTopK(Tensor logits, Tensor target, int k)
    {
        if (k < 1 || k > logits.shape[1])
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be between 1 and the number of classes ({logits.shape[1]}).");
        using var scope = NewDisposeScope();
        var (_, top) = logits.topk(k, dim: 1);
        var hits = top.eq(target.unsqueeze(1));
        return (hits[.., 0].sum().MoveToOuterDisposeScope(), hits.any(1).sum().MoveToOuterDisposeScope());
    }

    /// <summary><see cref="CorrectTopK"/> as an int64 scalar on the logits' device: nothing is read to the host.</summary>
    public static Tensor CountTopK(Tensor logits, Tensor target, int k)
    {
        if (k < 1 || k > logits.shape[1])
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be between 1 and the number of classes ({logits.shape[1]}).");
        using var scope = NewDisposeScope();
        var (_, top) = logits.topk(k, dim: 1);
        return top.eq(target.unsqueeze(1)).any(1).sum().MoveToOuterDisposeScope();
    }
}
