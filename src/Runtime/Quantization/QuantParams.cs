using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization;

/// <summary>
/// Scale and zero point for a tensor or for recorded statistics, under a quantization mode and a clipping mode
/// (Distiller's <c>_get_quant_params_from_tensor</c> and <c>_get_quant_params_from_stats_dict</c>).
/// </summary>
public static class QuantParams
{
    /// <summary>From the values of <paramref name="tensor"/>; per output channel (dim 0) when <paramref name="perChannel"/>.</summary>
    public static (Tensor Scale, Tensor ZeroPoint) FromTensor(Tensor tensor, int numBits, LinearQuantMode mode,
        ClipMode clip = ClipMode.None, bool perChannel = false, double? numStds = null, bool halfRange = false)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var t = tensor.detach();
        if (perChannel && t.dim() is not (2 or 4))
            throw new ArgumentException($"Per-channel quantization is possible only with 2D or 4D tensors (Linear or Conv2d weights), got {t.dim()}D.", nameof(perChannel));
        if (clip == ClipMode.NStd)
        {
            if (perChannel)
                throw new ArgumentException("n_std clipping is not supported with per-channel quantization.", nameof(clip));
            if (numStds is null)
                throw new ArgumentNullException(nameof(numStds), "Clip mode n_std needs clip_n_stds.");
        }
        int? dim = clip == ClipMode.Avg || perChannel ? 0 : null;
        Tensor scale, zp;
        if (mode.IsSymmetric())
        {
            Tensor sat = clip switch
            {
                ClipMode.None => TensorRanges.MaxAbs(t, dim),
                ClipMode.Avg => TensorRanges.AvgMaxAbs(t, dim),
                ClipMode.NStd => TensorRanges.MeanNStdsMaxAbs(t, numStds!.Value),
                _ => torch.tensor((float)AciqClipper.Symmetric(clip, numBits, t.mean().item<float>(),
                    clip == ClipMode.Laplace ? AciqClipper.LaplaceB(t) : t.std().item<float>()).Max),
            };
            (scale, zp) = LinearQuantization.SymmetricParamsOfRange(numBits, sat, mode == LinearQuantMode.SymmetricRestricted);
        }
        else
        {
            Tensor mn, mx;
            switch (clip)
            {
                case ClipMode.None: (mn, mx) = TensorRanges.MinMax(t, dim); break;
                case ClipMode.Avg: (mn, mx) = TensorRanges.AvgMinMax(t, dim); break;
                case ClipMode.NStd: (mn, mx) = TensorRanges.MeanNStdsMinMax(t, numStds!.Value); break;
                default:
                    var (lo, hi) = AciqClipper.Asymmetric(clip, numBits, t.mean().item<float>(),
                        clip == ClipMode.Laplace ? AciqClipper.LaplaceB(t) : t.std().item<float>(),
                        TensorRanges.AvgMinMax(t, dim).Min.item<float>(), halfRange);
                    (mn, mx) = (torch.tensor((float)lo), torch.tensor((float)hi));
                    break;
            }
            (scale, zp) = LinearQuantization.AsymmetricParamsOfRange(numBits, mn, mx, signed: mode == LinearQuantMode.AsymmetricSigned);
        }
        if (perChannel)
        {
            var dims = new long[t.dim()];
            dims[0] = scale.shape[0];
            for (int i = 1; i < dims.Length; i++) dims[i] = 1;
            scale = scale.view(dims);
            zp = zp.view(dims);
        }
        else
        {
            scale = scale.reshape(1);
            zp = zp.reshape(1);
        }
        return (scale.to(tensor.device).MoveToOuterDisposeScope(), zp.to(tensor.device).MoveToOuterDisposeScope());
    }

    /// <summary>From recorded statistics (min, max, avg_min, avg_max, mean, std, b) of one tensor.</summary>
    public static (Tensor Scale, Tensor ZeroPoint) FromStats(TensorStats stats, int numBits, LinearQuantMode mode,
        ClipMode clip = ClipMode.None, double? numStds = null, bool halfRange = false)
    {
        double mn = clip == ClipMode.Avg ? stats.AvgMin : stats.Min;
        double mx = clip == ClipMode.Avg ? stats.AvgMax : stats.Max;
        switch (clip)
        {
            case ClipMode.NStd:
                if (numStds is null)
                    throw new ArgumentNullException(nameof(numStds), "Clip mode n_std needs clip_n_stds.");
                if (!(numStds > 0))
                    throw new ArgumentOutOfRangeException(nameof(numStds), numStds, "clip_n_stds must be > 0.");
                // float32 arithmetic like Distiller's torch.tensor(float(...))
                float mean = (float)stats.Mean, std = (float)stats.Std, n = (float)numStds.Value;
                mn = Math.Max((float)mn, mean - n * std);
                mx = Math.Min((float)mx, mean + n * std);
                break;
            case ClipMode.Gauss or ClipMode.Laplace:
                double spread = clip == ClipMode.Laplace ? stats.B : stats.Std;
                (mn, mx) = mode.IsSymmetric()
                    ? AciqClipper.Symmetric(clip, numBits, stats.Mean, spread)
                    : AciqClipper.Asymmetric(clip, numBits, stats.Mean, spread, stats.AvgMin, halfRange);
                break;
        }
        if (mode.IsSymmetric())
            return LinearQuantization.SymmetricParams(numBits, torch.tensor(new[] { (float)Math.Max(Math.Abs(mn), Math.Abs(mx)) }),
                mode == LinearQuantMode.SymmetricRestricted);
        return LinearQuantization.AsymmetricParams(numBits, torch.tensor(new[] { (float)mn }), torch.tensor(new[] { (float)mx }),
            signed: mode == LinearQuantMode.AsymmetricSigned);
    }
}
