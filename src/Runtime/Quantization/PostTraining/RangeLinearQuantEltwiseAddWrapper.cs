using Distiller.Typed.Quantization.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.PostTraining;

/// <summary>
/// Quantized element-wise sum (Distiller's <c>RangeLinearQuantEltwiseAddWrapper</c>): inputs are re-quantized to the
/// output scale, <c>y_q = Σ round((x_q,i + zp_i)·s_y/s_i) − zp_y</c>, so the sum is an integer sum. Needs statistics.
/// </summary>
public sealed class RangeLinearQuantEltwiseAddWrapper : EltwiseAdd
{
#pragma warning disable IDE1006
    private readonly EltwiseAdd wrapped_module;
    private Tensor output_scale;
    private Tensor output_zero_point;
#pragma warning restore IDE1006

    public RangeLinearQuantEltwiseAddWrapper(EltwiseAdd wrappedModule, string name, int? numBitsActs, ModuleQuantMode? mode = null,
        ClipMode clipActs = ClipMode.None, ModuleStats? activationStats = null, double? clipNStds = null, bool clipHalfRange = false,
        bool inputsQuantAutoFallback = true) : base(nameof(RangeLinearQuantEltwiseAddWrapper))
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
        var rescaled = EltwiseQuant.RescaleToOutput(Acts, inputs);
        var accum = rescaled[0];
        for (int i = 1; i < rescaled.Length; i++) accum = accum + rescaled[i];
        accum = accum.clamp(Acts.AccumMinQ, Acts.AccumMaxQ);
        if (Acts.OutputSettings.ClipHalfRange) accum = nn.functional.relu(accum);
        return Acts.Finish(accum, output_scale, output_zero_point, torch.ones(1), dtype).MoveToOuterDisposeScope();
    }
}
