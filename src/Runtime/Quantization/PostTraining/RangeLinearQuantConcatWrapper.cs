using Distiller.Typed.Quantization.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.PostTraining;

/// <summary>
/// Quantized concatenation (Distiller's <c>RangeLinearQuantConcatWrapper</c>): inputs are re-quantized to the output
/// scale, then concatenated. Needs statistics.
/// </summary>
public sealed class RangeLinearQuantConcatWrapper : Concat
{
#pragma warning disable IDE1006
    private readonly Concat wrapped_module;
    private Tensor output_scale;
    private Tensor output_zero_point;
#pragma warning restore IDE1006

    public RangeLinearQuantConcatWrapper(Concat wrappedModule, string name, int? numBitsActs, ModuleQuantMode? mode = null,
        ClipMode clipActs = ClipMode.None, ModuleStats? activationStats = null, double? clipNStds = null, bool clipHalfRange = false,
        bool inputsQuantAutoFallback = true) : base(nameof(RangeLinearQuantConcatWrapper), wrappedModule.Dim)
    {
        Acts = EltwiseQuant.Create(GetType().Name, name, numBitsActs, mode, clipActs, activationStats, clipNStds, clipHalfRange, inputsQuantAutoFallback);
        wrapped_module = wrappedModule;
        output_scale = Acts.OutputScale!;
        output_zero_point = Acts.OutputZeroPoint!;
        RegisterComponents();
        train(false);
    }

    public RangeLinearActivationQuantizer Acts { get; }

    protected override Tensor Compute(Tensor[] inputs)
    {
        if (Acts.OutputSettings.NumBits is null)
            return EltwiseQuant.Passthrough(Acts, wrapped_module.forward(inputs));
        using var scope = torch.NewDisposeScope();
        var dtype = RangeLinearActivationQuantizer.FloatType(inputs[0]);
        var accum = torch.cat(EltwiseQuant.RescaleToOutput(Acts, inputs), Dim);
        if (Acts.OutputSettings.ClipHalfRange) accum = nn.functional.relu(accum);
        return Acts.Finish(accum, output_scale, output_zero_point, torch.ones(1), dtype).MoveToOuterDisposeScope();
    }
}
