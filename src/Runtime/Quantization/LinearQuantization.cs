using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization;

/// <summary>
/// Range-based linear quantization (Distiller's <c>q_utils</c>): <c>x_q = round(scale·x − zero_point)</c>,
/// <c>x = (x_q + zero_point) / scale</c>, rounding halves to even like <c>torch.round</c>.
/// Symmetric: <c>scale = n / sat</c> with <c>n = (2^b − 1)/2</c>, or <c>2^(b−1) − 1</c> when the range is restricted
/// (Jacob et al., https://arxiv.org/abs/1806.08342, §2.2). Asymmetric: <c>scale = (2^b − 1)/(max − min)</c> with 0 kept
/// inside [min, max], <c>zero_point = round(scale·min)</c>, shifted by <c>2^(b−1)</c> when signed.
/// All tensor arithmetic is float32 as in Distiller, so scalar results equal the tensor ones.
/// </summary>
public static class LinearQuantization
{
    /// <summary>Scale and zero point for the float range [-saturation, saturation] (one value per element of <paramref name="saturation"/>).</summary>
    public static (Tensor Scale, Tensor ZeroPoint) SymmetricParams(int numBits, Tensor saturation, bool restrictQRange = false)
    {
        var sat = PrepareSaturation(saturation);
        if (sat.lt(0).any().item<bool>())
            throw new ArgumentOutOfRangeException(nameof(saturation), "Saturation value must be >= 0.");
        return SymmetricParamsOfRange(numBits, sat, restrictQRange);
    }

    /// <summary>
    /// <see cref="SymmetricParams(int, Tensor, bool)"/> for a saturation that is ≥ 0 by construction (a max of absolute
    /// values): no check, so no device synchronisation in a forward pass.
    /// </summary>
    internal static (Tensor Scale, Tensor ZeroPoint) SymmetricParamsOfRange(int numBits, Tensor saturation, bool restrictQRange = false)
    {
        CheckBits(numBits);
        var sat = PrepareSaturation(saturation);
        double n = restrictQRange ? Math.Pow(2, numBits - 1) - 1 : (Math.Pow(2, numBits) - 1) / 2;
        // All-zero ranges quantize to 0 with scale 1.
        sat = torch.where(sat.logical_not(), torch.full_like(sat, n), sat);
        // n / sat computed as torch's Python `n / tensor` does (reciprocal, then multiply) so float32 results match Distiller's.
        var scale = sat.reciprocal() * n;
        return (scale, torch.zeros_like(scale));
    }

    /// <inheritdoc cref="SymmetricParams(int, Tensor, bool)"/>
    public static (double Scale, double ZeroPoint) SymmetricParams(int numBits, double saturation, bool restrictQRange = false)
    {
        if (saturation < 0)
            throw new ArgumentOutOfRangeException(nameof(saturation), saturation, "Saturation value must be >= 0.");
        using var scope = torch.NewDisposeScope();
        var (s, z) = SymmetricParams(numBits, torch.tensor(new[] { (float)saturation }), restrictQRange);
        return (s.item<float>(), z.item<float>());
    }

    /// <summary>Scale and zero point for the float range [min, max] (0 is always made part of the range).</summary>
    public static (Tensor Scale, Tensor ZeroPoint) AsymmetricParams(int numBits, Tensor saturationMin, Tensor saturationMax,
        bool integralZeroPoint = true, bool signed = false)
    {
        var satMin = PrepareSaturation(saturationMin);
        var satMax = PrepareSaturation(saturationMax).to(satMin.device);
        if (satMin.gt(satMax).any().item<bool>())
            throw new ArgumentException("saturation_min must be smaller than saturation_max.", nameof(saturationMin));
        return AsymmetricParamsOfRange(numBits, satMin, satMax, integralZeroPoint, signed);
    }

    /// <summary>
    /// <see cref="AsymmetricParams(int, Tensor, Tensor, bool, bool)"/> for a range with min ≤ max by construction (a
    /// tensor's min and max, or their moving averages): no check, so no device synchronisation in a forward pass.
    /// </summary>
    internal static (Tensor Scale, Tensor ZeroPoint) AsymmetricParamsOfRange(int numBits, Tensor saturationMin, Tensor saturationMax,
        bool integralZeroPoint = true, bool signed = false)
    {
        CheckBits(numBits);
        var satMin = PrepareSaturation(saturationMin);
        var satMax = PrepareSaturation(saturationMax).to(satMin.device);
        double n = Math.Pow(2, numBits) - 1;
        satMin = torch.minimum(satMin, torch.zeros_like(satMin));
        satMax = torch.maximum(satMax, torch.zeros_like(satMax));
        var diff = satMax - satMin;
        diff = torch.where(diff.logical_not(), torch.full_like(diff, n), diff);
        var scale = diff.reciprocal() * n;
        var zeroPoint = scale * satMin;
        if (integralZeroPoint)
            zeroPoint = zeroPoint.round();
        if (signed)
            zeroPoint = zeroPoint + Math.Pow(2, numBits - 1);
        return (scale, zeroPoint);
    }

    /// <inheritdoc cref="AsymmetricParams(int, Tensor, Tensor, bool, bool)"/>
    public static (double Scale, double ZeroPoint) AsymmetricParams(int numBits, double saturationMin, double saturationMax,
        bool integralZeroPoint = true, bool signed = false)
    {
        using var scope = torch.NewDisposeScope();
        var (s, z) = AsymmetricParams(numBits, torch.tensor(new[] { (float)saturationMin }), torch.tensor(new[] { (float)saturationMax }),
            integralZeroPoint, signed);
        return (s.item<float>(), z.item<float>());
    }

    /// <summary>The integer range of <paramref name="numBits"/> bits: [0, 2^b−1] unsigned, [−2^(b−1), 2^(b−1)−1] signed, [−(2^(b−1)−1), 2^(b−1)−1] restricted.</summary>
    public static (long Min, long Max) QuantizedRange(int numBits, bool signed = true, bool signedRestrictQRange = false)
    {
        CheckBits(numBits);
        if (signed)
        {
            long qmax = (1L << (numBits - 1)) - 1;
            return (signedRestrictQRange ? -qmax : -qmax - 1, qmax);
        }
        return (0, (1L << numBits) - 1);
    }

    /// <summary>The integer range used by <paramref name="mode"/>.</summary>
    public static (long Min, long Max) QuantizedRange(int numBits, LinearQuantMode mode) =>
        QuantizedRange(numBits, mode != LinearQuantMode.AsymmetricUnsigned, mode == LinearQuantMode.SymmetricRestricted);

    /// <summary><c>round(scale·x − zero_point)</c>.</summary>
    public static Tensor Quantize(Tensor input, Tensor scale, Tensor zeroPoint) => (scale * input - zeroPoint).round();

    /// <summary><c>clamp(round(scale·x − zero_point), min, max)</c>.</summary>
    public static Tensor QuantizeClamp(Tensor input, Tensor scale, Tensor zeroPoint, double clampMin, double clampMax) =>
        Quantize(input, scale, zeroPoint).clamp(clampMin, clampMax);

    /// <summary><c>(x_q + zero_point) / scale</c>.</summary>
    public static Tensor Dequantize(Tensor input, Tensor scale, Tensor zeroPoint) => (input + zeroPoint) / scale;

    /// <summary>
    /// Quantize then de-quantize in the forward pass, identity in the backward pass (the straight-through estimator,
    /// Distiller's <c>LinearQuantizeSTE</c>): <c>x + (q(x) − x).detach()</c>.
    /// </summary>
    public static Tensor FakeQuantizeSte(Tensor input, double scale, double zeroPoint, bool dequantize = true)
    {
        // Scalars, not tensors made from them: no host-to-device copy per call (the arithmetic is in input's dtype).
        using var scope = torch.NewDisposeScope();
        Tensor q;
        using (torch.no_grad())
        {
            q = (input * scale - zeroPoint).round();
            if (dequantize)
                q = (q + zeroPoint) / scale;
        }
        return StraightThrough(input, q).MoveToOuterDisposeScope();
    }

    /// <summary>As <see cref="FakeQuantizeSte(Tensor, double, double, bool)"/> with tensor scale and zero point.</summary>
    public static Tensor FakeQuantizeSte(Tensor input, Tensor scale, Tensor zeroPoint, bool dequantize = true)
    {
        using var scope = torch.NewDisposeScope();
        Tensor q;
        using (torch.no_grad())
        {
            q = Quantize(input, scale, zeroPoint);
            if (dequantize)
                q = Dequantize(q, scale, zeroPoint);
        }
        return StraightThrough(input, q).MoveToOuterDisposeScope();
    }

    /// <summary>A tensor equal to <paramref name="forwardValue"/> whose gradient flows to <paramref name="input"/> unchanged.</summary>
    public static Tensor StraightThrough(Tensor input, Tensor forwardValue) =>
        input.requires_grad ? input + (forwardValue - input).detach() : forwardValue.alias();

    /// <summary>
    /// Approximates a float scale by <c>mult / 2^shift</c> with a <paramref name="multBits"/>-bit integer multiplier
    /// (Distiller's <c>approx_scale_as_mult_and_shift</c>).
    /// </summary>
    public static Tensor ApproximateScaleAsMultiplyAndShift(Tensor scale, int multBits)
    {
        var shift = torch.log2((Math.Pow(2, multBits) - 1) / scale).floor();
        var mult = (scale * torch.exp2(shift)).floor();
        return mult / torch.exp2(shift);
    }

    private static Tensor PrepareSaturation(Tensor t)
    {
        var r = t.detach().clone();
        if (!r.is_floating_point())
            r = r.to(ScalarType.Float32);
        return r.dim() == 0 ? r.unsqueeze(0) : r;
    }

    internal static void CheckBits(int numBits)
    {
        if (numBits < 1 || numBits > 32)
            throw new ArgumentOutOfRangeException(nameof(numBits), numBits, "Number of bits must be between 1 and 32.");
    }
}
