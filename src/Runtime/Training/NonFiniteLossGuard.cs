using System.Globalization;
using Distiller.Typed.Platform;
using static TorchSharp.torch;

namespace Distiller.Typed.Training;

/// <summary>
/// Stops training at the first NaN or infinite loss, naming the epoch and minibatch, the last good checkpoint and the
/// likely causes, instead of training on (every weight turns NaN within a step, and accuracy sits at chance) and
/// printing the result as if it were one. Call <see cref="Check(double, int, int, string)"/> with each minibatch's
/// loss in a training or validation loop, and tell it of each checkpoint saved with <see cref="CheckpointSaved"/>.
/// </summary>
public sealed class NonFiniteLossGuard
{
    /// <summary>The newest checkpoint written from finite losses, and the epoch (0-based) it was saved after.</summary>
    public (string Path, int Epoch)? LastGoodCheckpoint { get; private set; }

    public void CheckpointSaved(string path, int epoch) => LastGoodCheckpoint = (path, epoch);

    /// <summary>Checks a loss already read to the host (no device synchronization).</summary>
    /// <param name="epoch">0-based epoch, as the scheduler's contexts count.</param>
    /// <param name="minibatch">0-based minibatch within the epoch.</param>
    /// <param name="phase">The pass: "training", "validation", "test".</param>
    /// <param name="firstMinibatch">
    /// When <paramref name="loss"/> sums the losses of minibatches <paramref name="firstMinibatch"/> to
    /// <paramref name="minibatch"/> (a loop that reads its running sum only now and then): the first of them, so the
    /// message names the range the non-finite loss lies in.
    /// </param>
    /// <exception cref="NonFiniteLossException">The loss is NaN or infinite.</exception>
    public void Check(double loss, int epoch, int minibatch, string phase = "training", int? firstMinibatch = null)
    {
        if (double.IsFinite(loss))
            return;
        throw new NonFiniteLossException(Explain(loss, epoch, minibatch, phase, firstMinibatch), phase, epoch, minibatch, loss, LastGoodCheckpoint?.Path);
    }

    /// <summary>Checks a scalar loss tensor (reads it to the host: one synchronization on an accelerator).</summary>
    public void Check(Tensor loss, int epoch, int minibatch, string phase = "training") =>
        Check(loss.detach().to(ScalarType.Float64).item<double>(), epoch, minibatch, phase);

    private string Explain(double loss, int epoch, int minibatch, string phase, int? firstMinibatch)
    {
        var value = double.IsNaN(loss) ? "NaN" : loss > 0 ? "+infinity" : "-infinity";
        var checkpoint = LastGoodCheckpoint is { } good
            ? $"The last good checkpoint is {good.Path} (saved after epoch {good.Epoch + 1}): resume from it once the cause is fixed."
            : "No checkpoint was saved before it.";
        var kernels = CpuKernelGuard.Choice;
        var kernelHint = kernels.Capped
            ? "the CPU kernels are the safe ones (oneDNN at SSE4.1, ATen at AVX2), so the known oneDNN fault is ruled out"
            : $"CPU kernels that compute NaN on this processor ({kernels.Cpu}; the guard left libtorch's own choice: " +
              $"rerun with {CpuKernelGuard.SwitchVariable}=safe for the safe kernels)";
        return string.Create(CultureInfo.InvariantCulture,
            $"The {phase} loss became {value} at epoch {epoch + 1}, {Where(minibatch, firstMinibatch)}; the run stops here, since nothing computed after it would be a result. " +
            $"{checkpoint} Likely causes: a learning rate too high for this model and batch size (lower it); a regularizer strength or quantization setting " +
            $"that makes training diverge; {kernelHint}.");
    }

    private static string Where(int minibatch, int? first) => first is { } from && from < minibatch
        ? string.Create(CultureInfo.InvariantCulture, $"in one of minibatches {from + 1}-{minibatch + 1} (their summed loss)")
        : string.Create(CultureInfo.InvariantCulture, $"minibatch {minibatch + 1}");
}
