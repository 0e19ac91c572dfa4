using Distiller.Typed.Quantization.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.PostTraining;

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
