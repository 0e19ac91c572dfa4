using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.PostTraining;

/// <summary>
/// The part every post-training wrapper shares (Distiller's <c>RangeLinearQuantWrapper</c>): it quantizes the inputs
/// (re-using the metadata of a quantized predecessor, else from the module's input statistics, else from the tensor
/// itself), runs the wrapper's integer computation, re-quantizes the accumulator to the output range and
/// de-quantizes the result, attaching its metadata. Scales, zero points and rounding are float32 as in Distiller (so
/// ties round the same way); the integer sums and products themselves are accumulated in float64, exact for
/// |values| &lt; 2^53, and clamped to the accumulator's range before re-quantization.
/// </summary>
public sealed class RangeLinearActivationQuantizer
{
    private readonly Dictionary<int, TensorQuantMetadata> _inputsFallback = new();

    public RangeLinearActivationQuantizer(string name, int? numBitsActs, int numBitsAccum, ModuleQuantMode mode, ClipMode clipActs,
        ModuleStats? activationStats, double? clipNStds, bool clipHalfRange, bool inputsQuantAutoFallback)
    {
        Name = name;
        Mode = mode;
        OutputSettings = new QuantSettings(numBitsActs, mode.Activations, clipActs, clipNStds, clipHalfRange, false);
        AccumSettings = new QuantSettings(numBitsAccum, LinearQuantMode.Symmetric, ClipMode.None, null, false, false);
        InputsQuantAutoFallback = inputsQuantAutoFallback;
        (AccumMinQ, AccumMaxQ) = LinearQuantization.QuantizedRange(numBitsAccum, signed: true);
        if (clipActs == ClipMode.NStd && clipNStds is null)
            throw new ArgumentException($"Module '{name}': clip_n_stds must be set when clip_acts is n_std.", "clip_n_stds");
        if (numBitsActs is not { } bits)
            return;
        (ActsMinQ, ActsMaxQ) = LinearQuantization.QuantizedRange(bits, mode.Activations);
        if (activationStats is null)
            return;
        PresetActStats = true;
        foreach (var (idx, stats) in activationStats.Inputs)
        {
            var (s, z) = QuantParams.FromStats(stats, bits, mode.Activations, clipActs, clipNStds, false);
            var (mn, mx) = LinearQuantization.QuantizedRange(bits, mode.Activations);
            _inputsFallback[idx] = new TensorQuantMetadata(s, z, mn, mx);
        }
        var (os, oz) = QuantParams.FromStats(activationStats.Output, bits, mode.Activations, clipActs, clipNStds, clipHalfRange);
        OutputScale = os;
        OutputZeroPoint = oz;
    }

    public string Name { get; }
    public ModuleQuantMode Mode { get; }
    public QuantSettings OutputSettings { get; }
    public QuantSettings AccumSettings { get; }
    public bool InputsQuantAutoFallback { get; }
    public long AccumMinQ { get; }
    public long AccumMaxQ { get; }
    public long ActsMinQ { get; }
    public long ActsMaxQ { get; }

    /// <summary>Whether quantization parameters come from calibration statistics (static) rather than each batch (dynamic).</summary>
    public bool PresetActStats { get; }
    public Tensor? OutputScale { get; }
    public Tensor? OutputZeroPoint { get; }

    /// <summary>The quantization of input <paramref name="idx"/>.</summary>
    public TensorQuantMetadata InputMetadata(int idx, Tensor input)
    {
        var md = QuantMetadata.Get(input);
        if (md is null)
        {
            if (!InputsQuantAutoFallback)
                throw new InvalidOperationException(
                    $"<{Name}> Input {idx}: expected a tensor quantized by a previous layer. Either make sure the previous operation is " +
                    "quantized or set inputs_quant_auto_fallback.");
            if (PresetActStats)
            {
                if (!_inputsFallback.TryGetValue(idx, out md))
                    throw new InvalidOperationException($"<{Name}> Input {idx}: the activation statistics have no entry for this input.");
            }
            else
            {
                var settings = OutputSettings with { ClipHalfRange = false };
                var (s, z) = QuantParams.FromTensor(input, settings.NumBits!.Value, settings.QuantMode, settings.ClipMode,
                    false, settings.ClipNStds, false);
                var (mn, mx) = LinearQuantization.QuantizedRange(settings.NumBits.Value, settings.QuantMode);
                md = new TensorQuantMetadata(s, z, mn, mx);
            }
        }
        return md with { Scale = md.Scale.to(input.device), ZeroPoint = md.ZeroPoint.to(input.device) };
    }

    /// <summary>Quantizes input <paramref name="idx"/> to integer values (in the input's float type, as Distiller rounds).</summary>
    public (Tensor Q, TensorQuantMetadata Metadata) QuantizeInput(int idx, Tensor input)
    {
        var md = InputMetadata(idx, input);
        var x = input.is_floating_point() ? input : input.to(ScalarType.Float32);
        return (LinearQuantization.QuantizeClamp(x, md.Scale, md.ZeroPoint, md.MinQ, md.MaxQ), md);
    }

    /// <summary>Output scale and zero point: from statistics, or from the de-quantized accumulator <paramref name="yFloat"/>.</summary>
    public (Tensor Scale, Tensor ZeroPoint) OutputParams(Func<Tensor> yFloat)
    {
        if (PresetActStats)
            return (OutputScale!, OutputZeroPoint!);
        var q = OutputSettings;
        var (s, z) = QuantParams.FromTensor(yFloat(), q.NumBits!.Value, q.QuantMode, q.ClipMode, false, q.ClipNStds, q.ClipHalfRange);
        return (s, z);
    }

    /// <summary>
    /// Re-quantizes <paramref name="accum"/> with (<paramref name="requantScale"/>, <paramref name="outZeroPoint"/>) to the
    /// activations range, de-quantizes with (<paramref name="outScale"/>, <paramref name="outZeroPoint"/>), attaches metadata.
    /// </summary>
    public Tensor Finish(Tensor accum, Tensor outScale, Tensor outZeroPoint, Tensor requantScale, ScalarType dtype)
    {
        accum = accum.to(outScale.dtype);
        outScale = outScale.to(accum.device);
        outZeroPoint = outZeroPoint.to(accum.device);
        requantScale = requantScale.to(accum.device);
        var outQ = LinearQuantization.QuantizeClamp(accum, requantScale, outZeroPoint, ActsMinQ, ActsMaxQ);
        var outF = LinearQuantization.Dequantize(outQ, outScale, outZeroPoint).to(dtype);
        // The metadata outlives this forward pass's dispose scope (the next layer reads it): its tensors belong to no scope.
        QuantMetadata.Attach(outF, new TensorQuantMetadata(outScale.clone().DetachFromDisposeScope(), outZeroPoint.clone().DetachFromDisposeScope(), ActsMinQ, ActsMaxQ));
        return outF;
    }

    internal static ScalarType FloatType(Tensor t) => t.is_floating_point() ? t.dtype : ScalarType.Float32;
}
