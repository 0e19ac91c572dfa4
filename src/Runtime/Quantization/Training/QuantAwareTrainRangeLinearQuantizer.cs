using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Training;

/// <summary>
/// Range-based linear quantization-aware training (Distiller's <c>QuantAwareTrainRangeLinearQuantizer</c>, after
/// Jacob et al., https://arxiv.org/abs/1712.05877). Weights are quantized from their current range in every step
/// (per output channel when <c>per_channel_wts</c>), writing the layer's <c>weight_scale</c> / <c>weight_zero_point</c>
/// buffers; ReLU outputs go through <see cref="FakeLinearQuantization"/> with an EMA-tracked range (decay <c>ema_decay</c>,
/// bias-corrected). With <c>quantize_inputs</c> the model input is fake-quantized too: a child <c>inputs_quant</c> is
/// added to the model and runs as a forward pre-hook, i.e. when the model is invoked through <c>call(x)</c>.
/// </summary>
public class QuantAwareTrainRangeLinearQuantizer : Quantizer
{
    private object? _inputsHook; // keeps the hook registration alive

    public QuantAwareTrainRangeLinearQuantizer(nn.Module model, optim.Optimizer optimizer, int? bitsActivations = 32,
        int? bitsWeights = 32, int? bitsBias = 32, QuantizerOverrides? overrides = null, ModuleQuantMode? mode = null,
        double emaDecay = 0.999, bool perChannelWts = false, bool quantizeInputs = true, int? numBitsInputs = null)
        : base(model, optimizer, bitsActivations, bitsWeights, bitsBias, overrides, trainWithFpCopy: true)
    {
        if (!(emaDecay is > 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(emaDecay), emaDecay, "ema_decay must be in (0, 1).");
        Mode = mode ?? new ModuleQuantMode(LinearQuantMode.Symmetric);
        EmaDecay = emaDecay;
        PerChannelWts = perChannelWts;
        QuantizeInputs = quantizeInputs;
        NumBitsInputs = numBitsInputs ?? bitsActivations;

        ParamQuantization = QuantizeParam;
        ReplacementFactories[typeof(ReLU)] = new ReplacementFactory(r =>
            r.QBits.Activations is { } bits
                ? new FakeQuantizationWrapper((nn.Module<Tensor, Tensor>)r.Module, bits, Mode.Activations, emaDecay)
                : r.Module);
    }

    public ModuleQuantMode Mode { get; }
    public double EmaDecay { get; }
    public bool PerChannelWts { get; }
    public bool QuantizeInputs { get; }
    public int? NumBitsInputs { get; }

    /// <summary>The input quantizer added to the model (null unless <see cref="QuantizeInputs"/>).</summary>
    public FakeLinearQuantization? InputsQuant { get; private set; }

    private bool PerChannel(ParamToQuantize meta, Tensor p) =>
        PerChannelWts && meta.QAttrName == "weight" && p.dim() is 2 or 4 &&
        meta.Module is not Embedding;

    private Tensor QuantizeParam(Tensor param, ParamToQuantize meta)
    {
        using var scope = torch.NewDisposeScope();
        Tensor scale, zp;
        using (torch.no_grad())
            (scale, zp) = QuantParams.FromTensor(param, meta.NumBits, Mode.Weights, perChannel: PerChannel(meta, param));
        if (InPlaceWeightQuantization.IsAttached(meta.Module))
        {
            InPlaceWeightQuantization.SetBuffer(meta.Module, meta.QAttrName + "_scale", scale);
            InPlaceWeightQuantization.SetBuffer(meta.Module, meta.QAttrName + "_zero_point", zp);
        }
        return LinearQuantization.FakeQuantizeSte(param, scale, zp).MoveToOuterDisposeScope();
    }

    protected override void PostPrepareModel()
    {
        if (QuantizeInputs)
        {
            if (NumBitsInputs is not { } bits)
                throw new ArgumentException("quantize_inputs needs num_bits_inputs or bits_activations.", "num_bits_inputs");
            if (Model is not nn.Module<Tensor, Tensor> root)
                throw new ArgumentException($"quantize_inputs needs a model that is a Module<Tensor, Tensor>, got {Model.GetType().Name}.", "quantize_inputs");
            InputsQuant = new FakeLinearQuantization(bits, Mode.Activations, EmaDecay);
            PlaceLikeModel(InputsQuant);
            InputsQuant.train(Model.training);
            Model.register_module("inputs_quant", InputsQuant);
            var q = InputsQuant;
            _inputsHook = root.register_forward_pre_hook((_, input) => q.forward(input));
        }
        foreach (var p in ParamsToQuantize)
        {
            var fp = InPlaceWeightQuantization.FloatParameter(p.Module, p.FpAttrName);
            var (scale, zp) = QuantParams.FromTensor(fp, p.NumBits, Mode.Weights, perChannel: PerChannel(p, fp));
            InPlaceWeightQuantization.SetBuffer(p.Module, p.QAttrName + "_scale", torch.ones_like(scale));
            InPlaceWeightQuantization.SetBuffer(p.Module, p.QAttrName + "_zero_point", torch.zeros_like(zp));
        }
    }
}
