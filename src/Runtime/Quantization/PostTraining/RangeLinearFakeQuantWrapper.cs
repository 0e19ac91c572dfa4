using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.PostTraining;

/// <summary>
/// Post-training quantization of any other leaf module (ReLU, pooling, Flatten …; Distiller's
/// <c>RangeLinearFakeQuantWrapper</c>): the module runs in float on its (de-quantized) inputs and its output is
/// quantized to the activations' range and de-quantized, <c>y = (clamp(round(s_y·f(x) − zp_y)) + zp_y)/s_y</c>.
/// Inputs not coming from a quantized layer are quantized first when <c>quantize_inputs</c>. ReLU outputs use the
/// half range [0, max].
/// </summary>
public sealed class RangeLinearFakeQuantWrapper : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly nn.Module<Tensor, Tensor> wrapped_module;
    private Tensor? output_scale;
    private Tensor? output_zero_point;
#pragma warning restore IDE1006

    public RangeLinearFakeQuantWrapper(nn.Module<Tensor, Tensor> wrappedModule, string name, int? numBitsActs, ModuleQuantMode? mode = null,
        ClipMode clipActs = ClipMode.None, ModuleStats? activationStats = null, double? clipNStds = null, bool clipHalfRange = false,
        bool inputsQuantAutoFallback = true, bool quantizeInputs = true)
        : base(nameof(RangeLinearFakeQuantWrapper))
    {
        if (wrappedModule is ReLU or ReLU6)
            clipHalfRange = true;
        Acts = new RangeLinearActivationQuantizer(name, numBitsActs, 32, mode ?? new ModuleQuantMode(LinearQuantMode.Symmetric), clipActs,
            activationStats, clipNStds, clipHalfRange, inputsQuantAutoFallback);
        QuantizeInputs = quantizeInputs;
        wrapped_module = wrappedModule;
        output_scale = Acts.OutputScale;
        output_zero_point = Acts.OutputZeroPoint;
        RegisterComponents();
        train(false);
    }

    public RangeLinearActivationQuantizer Acts { get; }
    public bool QuantizeInputs { get; }
    public nn.Module<Tensor, Tensor> WrappedModule => wrapped_module;

    public override Tensor forward(Tensor input)
    {
        if (training)
            throw new InvalidOperationException($"{nameof(RangeLinearFakeQuantWrapper)} ('{Acts.Name}') can only be used in eval mode.");
        if (Acts.OutputSettings.NumBits is null)
        {
            var passthrough = wrapped_module.forward(input);
            return Acts.OutputSettings.ClipHalfRange ? nn.functional.relu(passthrough) : passthrough;
        }
        using var scope = torch.NewDisposeScope();
        var dtype = RangeLinearActivationQuantizer.FloatType(input);
        var x = input;
        if (QuantizeInputs && QuantMetadata.Get(input) is null)
        {
            var (xq, md) = Acts.QuantizeInput(0, input);
            x = LinearQuantization.Dequantize(xq, md.Scale, md.ZeroPoint).to(dtype);
        }
        var y = wrapped_module.forward(x);
        if (Acts.OutputSettings.ClipHalfRange)
            y = nn.functional.relu(y);
        var (outScale, outZp) = Acts.OutputParams(() => y);
        return Acts.Finish(y, outScale, outZp, outScale, dtype).MoveToOuterDisposeScope();
    }
}
