using Distiller.Typed.Quantization.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.PostTraining;

/// <summary>Thrown when a wrapper needs calibration statistics that were not given (Distiller's <c>NoStatsError</c>).</summary>
public sealed class NoStatsException : InvalidOperationException
{
    public NoStatsException(string message) : base(message) { }
}

internal static class EltwiseQuant
{
    public static RangeLinearActivationQuantizer Create(string wrapper, string name, int? numBitsActs, ModuleQuantMode? mode, ClipMode clipActs,
        ModuleStats? stats, double? clipNStds, bool clipHalfRange, bool inputsQuantAutoFallback)
    {
        if (stats is null)
            throw new NoStatsException($"{wrapper} ('{name}') must get activation stats; dynamic quantization is not supported.");
        return new RangeLinearActivationQuantizer(name, numBitsActs, 32, mode ?? new ModuleQuantMode(LinearQuantMode.Symmetric), clipActs, stats,
            clipNStds, clipHalfRange, inputsQuantAutoFallback);
    }

    /// <summary>Each input re-scaled to the output scale: <c>clamp(round((x_q + zp_x)·s_y/s_x))</c>.</summary>
    public static Tensor[] RescaleToOutput(RangeLinearActivationQuantizer acts, Tensor[] inputs)
    {
        var result = new Tensor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            var (q, md) = acts.QuantizeInput(i, inputs[i]);
            result[i] = LinearQuantization.QuantizeClamp(q + md.ZeroPoint, acts.OutputScale!.to(q.device) / md.Scale,
                torch.zeros(1, q.dtype, device: q.device), acts.AccumMinQ, acts.AccumMaxQ).to(ScalarType.Float64);
        }
        return result;
    }

    public static Tensor Passthrough(RangeLinearActivationQuantizer acts, Tensor y) =>
        acts.OutputSettings.ClipHalfRange ? nn.functional.relu(y) : y;
}

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
