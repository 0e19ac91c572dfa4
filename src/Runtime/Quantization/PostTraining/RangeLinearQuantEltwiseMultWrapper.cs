using Distiller.Typed.Quantization.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.PostTraining;

/// <summary>
/// Quantized element-wise product (Distiller's <c>RangeLinearQuantEltwiseMultWrapper</c>):
/// <c>y_q = s_y/(Π s_i) · Π (x_q,i + zp_i) − zp_y</c>. Needs statistics.
/// </summary>
public sealed class RangeLinearQuantEltwiseMultWrapper : EltwiseMult
{
#pragma warning disable IDE1006
    private readonly EltwiseMult wrapped_module;
    private Tensor output_scale;
    private Tensor output_zero_point;
#pragma warning restore IDE1006

    public RangeLinearQuantEltwiseMultWrapper(EltwiseMult wrappedModule, string name, int? numBitsActs, ModuleQuantMode? mode = null,
        ClipMode clipActs = ClipMode.None, ModuleStats? activationStats = null, double? clipNStds = null, bool clipHalfRange = false,
        bool inputsQuantAutoFallback = true) : base(nameof(RangeLinearQuantEltwiseMultWrapper))
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
        Tensor? accum = null, accumScale = null;
        for (int i = 0; i < inputs.Length; i++)
        {
            var (q, md) = Acts.QuantizeInput(i, inputs[i]);
            var shifted = (q + md.ZeroPoint).to(ScalarType.Float64);
            accum = accum is null ? shifted : accum * shifted;
            accumScale = accumScale is null ? md.Scale : accumScale * md.Scale;
        }
        accum = accum!.clamp(Acts.AccumMinQ, Acts.AccumMaxQ);
        if (Acts.OutputSettings.ClipHalfRange) accum = nn.functional.relu(accum);
        return Acts.Finish(accum, output_scale, output_zero_point, output_scale.to(accum.device) / accumScale!, dtype).MoveToOuterDisposeScope();
    }
}
