using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.PostTraining;

/// <summary>
/// Post-training linear quantization of a Conv1d/2d/3d or Linear layer (Distiller's
/// <c>RangeLinearQuantParamLayerWrapper</c>). With x_q = round(s_x·x) − zp_x (and the same for w, b, y):
/// <code>
/// y_q = s_y / (s_x·s_w) · ((x_q + zp_x) * (w_q + zp_w) + b_q) − zp_y,   b_q = round(s_x·s_w·b)
/// </code>
/// The weights are replaced by their integer values (per output channel when <c>per_channel_wts</c>); the product is
/// accumulated in float64 — exact integer arithmetic — and clamped to the <c>num_bits_accum</c> signed range, then
/// re-quantized to the activations' range. When activations are not quantized, weights and bias are fake-quantized
/// (quantized, then de-quantized) and the layer runs in float. The wrapped layer stays a child, <c>wrapped_module</c>.
/// </summary>
public sealed class RangeLinearQuantParamLayerWrapper : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // names as in Distiller's state dict
    private readonly nn.Module<Tensor, Tensor> wrapped_module;
    private Tensor w_scale;
    private Tensor w_zero_point;
    private Tensor? output_scale;
    private Tensor? output_zero_point;
    private Tensor? b_scale;
    private Tensor? b_zero_point;
    private Tensor? base_b_q;
    private Tensor? fp_bias;
#pragma warning restore IDE1006
    private readonly ParamLayerOp _op;
    private readonly Tensor _shiftedWeight64;

    public RangeLinearQuantParamLayerWrapper(nn.Module<Tensor, Tensor> wrappedModule, string name, int? numBitsActs, int numBitsParams,
        int numBitsAccum = 32, ModuleQuantMode? mode = null, ClipMode clipActs = ClipMode.None, bool perChannelWts = false,
        ModuleStats? activationStats = null, double? clipNStds = null, bool clipHalfRange = false, bool inputsQuantAutoFallback = true)
        : base(nameof(RangeLinearQuantParamLayerWrapper))
    {
        if (wrappedModule is not (Conv1d or Conv2d or Conv3d or Linear))
            throw new ArgumentException($"Module '{name}': {nameof(RangeLinearQuantParamLayerWrapper)} can wrap only Conv1d, Conv2d, Conv3d and Linear, got {wrappedModule.GetType().Name}.", nameof(wrappedModule));
        mode ??= new ModuleQuantMode(LinearQuantMode.Symmetric);
        Acts = new RangeLinearActivationQuantizer(name, numBitsActs, numBitsAccum, mode, clipActs, activationStats, clipNStds, clipHalfRange, inputsQuantAutoFallback);
        wrapped_module = wrappedModule;
        _op = ParamLayerOp.For(wrappedModule, name);
        FakeQuantParams = numBitsActs is null;
        WeightSettings = new QuantSettings(numBitsParams, mode.Weights, ClipMode.None, null, false, perChannelWts);
        (ParamsMinQ, ParamsMaxQ) = LinearQuantization.QuantizedRange(numBitsParams, mode.Weights);

        using var noGrad = torch.no_grad();
        var weight = _op.Weight;
        (w_scale, w_zero_point) = QuantParams.FromTensor(weight, numBitsParams, mode.Weights, perChannel: perChannelWts);
        var wq = LinearQuantization.QuantizeClamp(weight, w_scale, w_zero_point, ParamsMinQ, ParamsMaxQ);
        weight.copy_(wq);
        _shiftedWeight64 = (wq.to(ScalarType.Float64) + w_zero_point.to(ScalarType.Float64));

        var bias = _op.Bias;
        if (bias is not null && (FakeQuantParams || !Acts.PresetActStats))
        {
            (b_scale, b_zero_point) = QuantParams.FromTensor(bias, numBitsAccum, LinearQuantMode.Symmetric);
            base_b_q = LinearQuantization.QuantizeClamp(bias, b_scale, b_zero_point, Acts.AccumMinQ, Acts.AccumMaxQ);
        }
        if (bias is not null && Acts.PresetActStats)
            fp_bias = bias.detach().clone();
        if (Acts.PresetActStats)
        {
            output_scale = Acts.OutputScale;
            output_zero_point = Acts.OutputZeroPoint;
        }
        if (FakeQuantParams)
        {
            weight.copy_(LinearQuantization.Dequantize(weight, w_scale, w_zero_point));
            if (bias is not null)
                bias.copy_(LinearQuantization.Dequantize(base_b_q!, b_scale!, b_zero_point!));
        }
        RegisterComponents();
        train(false);
    }

    public RangeLinearActivationQuantizer Acts { get; }
    public QuantSettings WeightSettings { get; }
    public bool FakeQuantParams { get; }
    public long ParamsMinQ { get; }
    public long ParamsMaxQ { get; }
    public Tensor WeightScale => w_scale;
    public Tensor WeightZeroPoint => w_zero_point;
    public nn.Module<Tensor, Tensor> WrappedModule => wrapped_module;

    public override Tensor forward(Tensor input)
    {
        if (training)
            throw new InvalidOperationException($"{nameof(RangeLinearQuantParamLayerWrapper)} ('{Acts.Name}') can only be used in eval mode.");
        if (FakeQuantParams)
        {
            var y = wrapped_module.forward(input);
            return Acts.OutputSettings.ClipHalfRange ? nn.functional.relu(y) : y;
        }
        using var scope = torch.NewDisposeScope();
        var dtype = RangeLinearActivationQuantizer.FloatType(input);
        var (xq, md) = Acts.QuantizeInput(0, input);

        var device = input.device;
        var zero = torch.zeros(1, device: device);
        var wScale = w_scale.to(device);
        var accumScale = md.Scale * wScale;
        if (WeightSettings.PerChannel)
            accumScale = accumScale.squeeze(-1);
        Tensor? bq = null;
        if (_op.Bias is not null)
        {
            var flatScale = accumScale.reshape(-1);
            bq = Acts.PresetActStats
                ? LinearQuantization.QuantizeClamp(fp_bias!.to(device), flatScale, zero, Acts.AccumMinQ, Acts.AccumMaxQ)
                : LinearQuantization.QuantizeClamp(base_b_q!.to(device) + b_zero_point!.to(device),
                    flatScale / b_scale!.to(device), zero, Acts.AccumMinQ, Acts.AccumMaxQ);
        }
        // integer accumulation in float64 (exact), clamped to the accumulator's range, then float32 like Distiller's requantization
        var accum = _op.Forward((xq + md.ZeroPoint).to(ScalarType.Float64), _shiftedWeight64.to(device), bq?.to(ScalarType.Float64))
            .clamp(Acts.AccumMinQ, Acts.AccumMaxQ).to(xq.dtype);
        if (Acts.OutputSettings.ClipHalfRange)
            accum = nn.functional.relu(accum);
        var accumScaleB = BroadcastScale(accumScale, accum);
        var (outScale, outZp) = Acts.OutputParams(() => accum / accumScaleB);
        var result = Acts.Finish(accum, outScale, outZp, outScale.to(device) / accumScaleB, dtype);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Shapes a per-channel scale [C] / [C,1,..] to broadcast over the accumulator [N, C, ...].</summary>
    private static Tensor BroadcastScale(Tensor scale, Tensor accum)
    {
        if (scale.numel() == 1)
            return scale.reshape(1);
        var dims = Enumerable.Repeat(1L, (int)accum.dim()).ToArray();
        dims[1] = scale.numel();
        return scale.reshape(dims);
    }
}
