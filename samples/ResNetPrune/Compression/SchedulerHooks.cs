using Distiller.Typed.Masks;
using Distiller.Typed.Policies;
using Distiller.Typed.Scheduling;
using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Compression;

/// <summary>
/// <see cref="Training.ICompressionHooks"/> over a <see cref="CompressionScheduler"/> built from a <c>--compress</c>
/// schedule: each callback goes to the scheduler with the epoch and minibatch numbers of its context, so only the
/// policies the schedule makes active at that epoch run (Distiller's <c>compression_scheduler.on_*</c> calls in
/// <c>compress_classifier.py</c>). The scheduler's state (masks, maskers, every policy's progress) travels in the
/// checkpoint in the scheduler's own file format.
/// </summary>
public sealed class SchedulerHooks(CompressionScheduler scheduler) : Training.ICompressionHooks
{
    /// <summary>Where the scheduler's state lies in the checkpoint's compression section.</summary>
    public const string StateKey = "scheduler";

    public CompressionScheduler Scheduler { get; } = scheduler ?? throw new ArgumentNullException(nameof(scheduler));

    public MaskDictionary Masks => Scheduler.Masks;

    public void OnEpochBegin(EpochContext context) => Scheduler.OnEpochBegin(context.Epoch, context.Metrics);

    public void OnMinibatchBegin(MinibatchContext context) =>
        Scheduler.OnMinibatchBegin(context.Epoch, context.Minibatch, context.MinibatchesPerEpoch);

    public PolicyLoss? BeforeBackwardPass(MinibatchContext context, Tensor loss)
    {
        var result = Scheduler.BeforeBackwardPass(context.Epoch, context.Minibatch, context.MinibatchesPerEpoch, loss);
        return result.Components.Count == 0 ? null : result;
    }

    public void BeforeParameterOptimization(MinibatchContext context) =>
        Scheduler.BeforeParameterOptimization(context.Epoch, context.Minibatch, context.MinibatchesPerEpoch);

    public void OnMinibatchEnd(MinibatchContext context) =>
        Scheduler.OnMinibatchEnd(context.Epoch, context.Minibatch, context.MinibatchesPerEpoch);

    public void OnEpochEnd(EpochContext context) => Scheduler.OnEpochEnd(context.Epoch, context.Metrics);

    public void SaveState(IDictionary<string, object> state)
    {
        using var buffer = new MemoryStream();
        Scheduler.SaveState(buffer);
        state[StateKey] = Convert.ToBase64String(buffer.ToArray());
    }

    public void LoadState(IReadOnlyDictionary<string, object> state)
    {
        if (!state.TryGetValue(StateKey, out var saved) || saved is not string text)
            throw new InvalidDataException(
                "The checkpoint holds no compression-scheduler state: it was written by a run without --compress, so it cannot " +
                "continue a schedule. Start the schedule from its weights with --exp-load-weights-from instead of --resume-from.");
        using var buffer = new MemoryStream(Convert.FromBase64String(text));
        Scheduler.LoadState(buffer);
    }

    public void Dispose() => Scheduler.Dispose();
}
