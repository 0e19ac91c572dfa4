using Distiller.Typed.Masks;
using Distiller.Typed.Policies;
using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Training;

/// <summary>
/// Where compression enters the training loop: the callbacks of Distiller's <c>CompressionScheduler</c>, called by
/// <see cref="ClassifierTrainer"/> in Distiller's order —
/// <see cref="OnEpochBegin"/>; per minibatch <see cref="OnMinibatchBegin"/>, forward, loss,
/// <see cref="BeforeBackwardPass"/> (may replace the loss), backward, <see cref="BeforeParameterOptimization"/>,
/// optimizer step, <see cref="OnMinibatchEnd"/>; then validation and <see cref="OnEpochEnd"/> with its metrics.
/// <see cref="SaveState"/>/<see cref="LoadState"/> travel in the checkpoint so <c>--resume-from</c> continues
/// the schedule where it stopped. <see cref="PolicyList"/> implements it for a plain list of policies; a compression
/// scheduler built from a <c>--compress</c> schedule implements it the same way.
/// </summary>
public interface ICompressionHooks : IDisposable
{
    /// <summary>The masks every callback's context carries (Distiller's <c>zeros_mask_dict</c>).</summary>
    MaskDictionary Masks { get; }

    void OnEpochBegin(EpochContext context);

    void OnMinibatchBegin(MinibatchContext context);

    /// <summary>The loss to back-propagate with the compression terms added and those terms by name, or null to keep <paramref name="loss"/>.</summary>
    PolicyLoss? BeforeBackwardPass(MinibatchContext context, Tensor loss);

    void BeforeParameterOptimization(MinibatchContext context);

    void OnMinibatchEnd(MinibatchContext context);

    void OnEpochEnd(EpochContext context);

    void SaveState(IDictionary<string, object> state);

    void LoadState(IReadOnlyDictionary<string, object> state);
}
