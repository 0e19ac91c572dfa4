using Distiller.Typed.Masks;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Policies;

/// <summary>What every policy callback sees: the model, the masks, the epoch, and the optimizer if any.</summary>
public class EpochContext
{
    public EpochContext(nn.Module model, MaskDictionary masks, int epoch, optim.Optimizer? optimizer)
    {
        Model = model;
        Masks = masks;
        Epoch = epoch;
        Optimizer = optimizer;
    }

    public nn.Module Model { get; }
    public MaskDictionary Masks { get; }
    public int Epoch { get; }
    public optim.Optimizer? Optimizer { get; }

    /// <summary>Validation or training metrics passed to <c>OnEpochEnd</c> (ReduceLROnPlateau reads one).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>
    /// The schedule of the policy being called (Distiller's <c>meta</c>: starting/ending epoch, frequency); set by
    /// the <c>CompressionScheduler</c>, null when a policy is called by hand without one.
    /// </summary>
    public PolicySchedule? Schedule { get; init; }
}

/// <summary>A minibatch callback's context: the epoch's plus the minibatch index and count.</summary>
public sealed class MinibatchContext : EpochContext
{
    public MinibatchContext(nn.Module model, MaskDictionary masks, int epoch, int minibatch, int minibatchesPerEpoch, optim.Optimizer? optimizer)
        : base(model, masks, epoch, optimizer)
    {
        Minibatch = minibatch;
        MinibatchesPerEpoch = minibatchesPerEpoch;
    }

    public int Minibatch { get; }
    public int MinibatchesPerEpoch { get; }
}
