using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>The counting and ranking helpers of Distiller's <c>distiller/norms.py</c> used by the structure pruners.</summary>
public static class StructureRanking
{
    /// <summary>
    /// Distiller's <c>num_structs_to_prune</c>:
    /// <code>
    /// n = floor(floor(fraction · n_elems) / group_len) · group_len
    /// if n == n_elems and fraction != 1:  n = n_elems − group_len    (never remove every structure by rounding)
    /// </code>
    /// </summary>
    public static int NumStructsToPrune(long nElems, int groupLength, double fractionToPrune)
    {
        long n = (long)Math.Floor(fractionToPrune * nElems);
        n = (long)Math.Floor(n / (double)groupLength) * groupLength;
        if (n == nElems && fractionToPrune != 1.0)
            n = nElems - groupLength;
        return (int)n;
    }

    /// <summary>
    /// The k-th smallest of <paramref name="magnitudes"/> (Distiller's <c>k_smallest_elems</c>), after Distiller's
    /// epsilon-greedy noise: with probability <paramref name="noise"/> the magnitudes are first multiplied by N(0, 1)
    /// noise. Returns the threshold (a 0-d tensor) and the magnitudes actually ranked.
    /// </summary>
    public static (Tensor Threshold, Tensor Magnitudes) KthSmallest(Tensor magnitudes, int k, double noise)
    {
        if (noise > 0 && rand(1).item<float>() <= noise)
            magnitudes = magnitudes.mul(randn_like(magnitudes));
        var (values, _) = magnitudes.topk(k, largest: false, sorted: true);
        return (values[k - 1], magnitudes);
    }

    /// <summary>A 1/0 map over <paramref name="importance"/>'s entries with the <paramref name="n"/> least important set to 0.</summary>
    public static Tensor PruneLeastImportant(Tensor importance, int n, ScalarType dtype)
    {
        var map = ones(importance.shape[0], dtype: dtype, device: importance.device);
        if (n <= 0)
            return map;
        var (_, indices) = importance.topk(n, largest: false, sorted: true);
        return map.index_fill_(0, indices, 0);
    }
}
