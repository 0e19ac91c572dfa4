using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization;

/// <summary>
/// The saturation ranges Distiller derives from a tensor (<c>get_tensor_min_max</c> and friends): absolute min/max,
/// min/max averaged over the first dimension (<c>avg</c> clipping), per-channel values, and <c>mean ± n·std</c>
/// clipped to the absolute range (<c>n_std</c> clipping, unbiased std as <c>torch.std</c>).
/// </summary>
public static class TensorRanges
{
    /// <summary>Min and max of the whole tensor, or of each slice along dims 0..<paramref name="perDim"/>.</summary>
    public static (Tensor Min, Tensor Max) MinMax(Tensor t, int? perDim = null)
    {
        if (perDim is null)
            return (t.min(), t.max());
        CheckDim(t, perDim.Value, nameof(perDim));
        var dims = new long[perDim.Value + 2];
        for (int i = 0; i <= perDim.Value; i++) dims[i] = t.shape[i];
        dims[^1] = -1;
        var tv = t.reshape(dims);
        return (tv.amin(-1), tv.amax(-1));
    }

    /// <summary>The mean over the slices of dim <paramref name="acrossDim"/> of their min and max.</summary>
    public static (Tensor Min, Tensor Max) AvgMinMax(Tensor t, int? acrossDim = null)
    {
        var (mn, mx) = MinMax(t, acrossDim);
        return (mn.mean(), mx.mean());
    }

    public static Tensor MaxAbs(Tensor t, int? perDim = null)
    {
        var (mn, mx) = MinMax(t, perDim);
        return torch.maximum(mn.abs(), mx.abs());
    }

    public static Tensor AvgMaxAbs(Tensor t, int? acrossDim = null)
    {
        var (mn, mx) = AvgMinMax(t, acrossDim);
        return torch.maximum(mn.abs(), mx.abs());
    }

    /// <summary><c>max(min, mean − n·std)</c> and <c>min(max, mean + n·std)</c>.</summary>
    public static (Tensor Min, Tensor Max) MeanNStdsMinMax(Tensor t, double nStds = 1)
    {
        if (!(nStds > 0))
            throw new ArgumentOutOfRangeException(nameof(nStds), nStds, "n_stds must be > 0.");
        var mean = t.mean();
        var std = t.std();
        var (mn, mx) = MinMax(t);
        return (torch.maximum(mn, mean - nStds * std), torch.minimum(mx, mean + nStds * std));
    }

    public static Tensor MeanNStdsMaxAbs(Tensor t, double nStds = 1)
    {
        var (mn, mx) = MeanNStdsMinMax(t, nStds);
        return torch.maximum(mn.abs(), mx.abs());
    }

    private static void CheckDim(Tensor t, int dim, string parameter)
    {
        if (dim < 0 || dim >= t.dim())
            throw new ArgumentOutOfRangeException(parameter, dim, $"Got {parameter}={dim}, but the tensor only has {t.dim()} dimensions.");
    }
}
