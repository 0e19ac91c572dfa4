namespace Distiller.Typed.Training;

/// <summary>A loss became NaN or infinite; <see cref="NonFiniteLossGuard"/> stopped the run (the message says where and why).</summary>
public sealed class NonFiniteLossException(string message, string phase, int epoch, int minibatch, double loss, string? lastGoodCheckpoint)
    : Exception(message)
{
    /// <summary>"training", "validation", …: the pass that produced the loss.</summary>
    public string Phase { get; } = phase;

    /// <summary>0-based, as the scheduler's contexts count.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>0-based within the epoch.</summary>
    public int Minibatch { get; } = minibatch;

    public double Loss { get; } = loss;

    public string? LastGoodCheckpoint { get; } = lastGoodCheckpoint;
}
