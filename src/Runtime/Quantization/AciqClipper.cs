using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization;

/// <summary>
/// ACIQ analytical clipping (Banner et al., "ACIQ: Analytical Clipping for Integer Quantization of neural networks",
/// https://arxiv.org/abs/1810.05723): the clipping value minimizing the expected quantization MSE is
/// <c>α = α*(bits)·b</c> for a Laplace(μ, b) distribution (b = mean|x − μ|) or <c>α*(bits)·σ</c> for a Gaussian.
/// Symmetric: [−(|μ| + α), |μ| + α]. Asymmetric: min' = max(min, μ − α), max' = min' + 2α (α for half range).
/// </summary>
public static class AciqClipper
{
    private static readonly double[] AlphaLaplace = { 1.05, 1.86, 2.83, 3.89, 5.03, 6.2, 7.41, 8.64, 9.89 };
    private static readonly double[] AlphaLaplacePositive = { 1.86, 2.83, 3.89, 5.02, 6.2, 7.41, 8.64, 9.89, 11.16 };
    private static readonly double[] AlphaGauss = { double.NaN, 1.24, 1.71, 2.15, 2.55, 2.93, 3.28, 3.61, 3.92 };
    private static readonly double[] AlphaGaussPositive = { double.NaN, 1.71, 2.15, 2.55, 2.93, 3.28, 3.61, 3.92, 4.2 };

    /// <summary>α for <paramref name="numBits"/> bits given b (Laplace) or σ (Gauss).</summary>
    public static double Alpha(ClipMode mode, int numBits, double spread, bool halfRange)
    {
        if (numBits is < 1 or > 8)
            throw new ArgumentOutOfRangeException(nameof(numBits), numBits, "ACIQ clipping is tabulated for 1 to 8 bits.");
        var table = mode switch
        {
            ClipMode.Laplace => halfRange ? AlphaLaplacePositive : AlphaLaplace,
            ClipMode.Gauss => halfRange ? AlphaGaussPositive : AlphaGauss,
            _ => throw new ArgumentException($"ACIQ clipping needs gauss or laplace, got {mode}.", nameof(mode)),
        };
        return table[numBits] * spread;
    }

    /// <summary>Symmetric clipping range from the mean and b/σ.</summary>
    public static (double Min, double Max) Symmetric(ClipMode mode, int numBits, double mean, double spread)
    {
        double clip = Math.Abs(mean) + Alpha(mode, numBits, spread, false);
        return (-clip, clip);
    }

    /// <summary>Asymmetric clipping range from the mean, b/σ and the (average) minimum.</summary>
    public static (double Min, double Max) Asymmetric(ClipMode mode, int numBits, double mean, double spread, double min, bool halfRange)
    {
        double alpha = Alpha(mode, numBits, spread, halfRange);
        double lo = Math.Max(min, mean - alpha);
        return (lo, lo + (halfRange ? alpha : 2 * alpha));
    }

    /// <summary>b = mean|x − mean(x)| (the Laplace scale estimate).</summary>
    public static double LaplaceB(Tensor t) => (t - t.mean()).abs().mean().item<float>();
}
