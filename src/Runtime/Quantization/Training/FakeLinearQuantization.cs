using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Training;

/// <summary>
/// Simulated ("fake") linear quantization of an activation with a range tracked during training by an exponential
/// moving average with bias correction (Distiller's <c>FakeLinearQuantization</c>, after Jacob et al.,
/// https://arxiv.org/abs/1712.05877): <c>m_t = d·m_{t−1} + (1 − d)·x_t</c>, <c>m̂_t = m_t / (1 − d^t)</c> for the
/// batch min and max. The input is clamped to the tracked range (±max(|min|, |max|) when symmetric) and quantized with
/// a straight-through gradient. Scale and zero point are updated only in training mode.
/// </summary>
public sealed class FakeLinearQuantization : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // buffer names as in Distiller
    private Tensor ema_decay;
    private Tensor tracked_min_biased;
    private Tensor tracked_min;
    private Tensor tracked_max_biased;
    private Tensor tracked_max;
    private Tensor iter_count;
    private Tensor scale;
    private Tensor zero_point;
#pragma warning restore IDE1006

    public FakeLinearQuantization(int numBits = 8, LinearQuantMode mode = LinearQuantMode.Symmetric, double emaDecay = 0.999, bool dequantize = true)
        : base(nameof(FakeLinearQuantization))
    {
        LinearQuantization.CheckBits(numBits);
        if (!(emaDecay is > 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(emaDecay), emaDecay, "ema_decay must be in (0, 1).");
        NumBits = numBits;
        Mode = mode;
        Dequantize = dequantize;
        ema_decay = torch.tensor(emaDecay);
        tracked_min_biased = torch.zeros(1);
        tracked_min = torch.zeros(1);
        tracked_max_biased = torch.zeros(1);
        tracked_max = torch.zeros(1);
        iter_count = torch.zeros(1);
        scale = torch.ones(1);
        zero_point = torch.zeros(1);
        RegisterComponents();
    }

    public int NumBits { get; }
    public LinearQuantMode Mode { get; }
    public bool Dequantize { get; }
    public Tensor TrackedMin => tracked_min;
    public Tensor TrackedMax => tracked_max;
    public Tensor Scale => scale;
    public Tensor ZeroPoint => zero_point;

    /// <summary>One bias-corrected EMA step (Distiller's <c>update_ema</c>).</summary>
    public static (Tensor Biased, Tensor Unbiased) UpdateEma(Tensor biasedEma, Tensor value, Tensor decay, Tensor step)
    {
        var biased = biasedEma * decay + (1 - decay) * value;
        return (biased, biased / (1 - decay.pow(step)));
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        if (training)
        {
            using var noGrad = torch.no_grad();
            var (mn, mx) = TensorRanges.MinMax(input.detach());
            iter_count.add_(1);
            var (bmin, umin) = UpdateEma(tracked_min_biased, mn, ema_decay, iter_count);
            tracked_min_biased.copy_(bmin);
            tracked_min.copy_(umin);
            var (bmax, umax) = UpdateEma(tracked_max_biased, mx, ema_decay, iter_count);
            tracked_max_biased.copy_(bmax);
            tracked_max.copy_(umax);
        }

        // The range stays a tensor on the buffers' device: no .item() device sync in the forward pass.
        Tensor actualMin, actualMax;
        if (Mode.IsSymmetric())
        {
            var maxAbs = torch.max(tracked_min.abs(), tracked_max.abs());
            (actualMin, actualMax) = (-maxAbs, maxAbs);
            if (training)
            {
                using var noGrad = torch.no_grad();
                var (s, z) = LinearQuantization.SymmetricParamsOfRange(NumBits, maxAbs, Mode == LinearQuantMode.SymmetricRestricted);
                scale.copy_(s);
                zero_point.copy_(z);
            }
        }
        else
        {
            (actualMin, actualMax) = (tracked_min, tracked_max);
            if (training)
            {
                using var noGrad = torch.no_grad();
                var (s, z) = LinearQuantization.AsymmetricParamsOfRange(NumBits, tracked_min, tracked_max,
                    signed: Mode == LinearQuantMode.AsymmetricSigned);
                scale.copy_(s);
                zero_point.copy_(z);
            }
        }
        // Copies: the bounds are saved for the backward pass, and the buffers change when the module runs again.
        var x = torch.min(torch.max(input, actualMin.to(input.dtype).clone()), actualMax.to(input.dtype).clone());
        return LinearQuantization.FakeQuantizeSte(x, scale, zero_point, Dequantize).MoveToOuterDisposeScope();
    }
}
