namespace Distiller.Typed.Pruning;

/// <summary>
/// The automated-gradual-pruning sparsity schedule of Zhu &amp; Gupta, "To prune, or not to prune" (2017),
/// exactly as Distiller's <c>AgpPruningRate</c>:
/// <code>
/// span   = ((ending_epoch - starting_epoch - 1) / frequency) * frequency      (integer division)
/// target = final + (initial - final) * (1 - (epoch - starting_epoch) / span)^3
/// </code>
/// Shared by the fine-grained <c>AutomatedGradualPruner</c> and every structured <c>_AGP</c> pruner.
/// </summary>
public sealed class AgpPruningRate
{
    public AgpPruningRate(double initialSparsity, double finalSparsity)
    {
        if (!(finalSparsity > initialSparsity))
            throw new ArgumentOutOfRangeException(nameof(finalSparsity), finalSparsity,
                $"final_sparsity must be greater than initial_sparsity ({initialSparsity}).");
        InitialSparsity = initialSparsity;
        FinalSparsity = finalSparsity;
    }

    public double InitialSparsity { get; }
    public double FinalSparsity { get; }

    /// <summary>The target sparsity at <paramref name="currentEpoch"/>.</summary>
    public double Step(int currentEpoch, int startingEpoch, int endingEpoch, int frequency)
    {
        if (frequency <= 0)
            throw new ArgumentOutOfRangeException(nameof(frequency), frequency,
                "AGP needs a policy scheduled with starting_epoch, ending_epoch and a frequency of 1 or more; " +
                "a policy given an epochs list has no frequency.");
        int span = Span(startingEpoch, endingEpoch, frequency);
        if (span <= 0)
            throw new ArgumentException(
                $"The AGP span ((ending_epoch - starting_epoch - 1) // frequency * frequency) is {span}; " +
                $"with starting_epoch={startingEpoch}, ending_epoch={endingEpoch}, frequency={frequency} nothing is ever pruned.");
        double progress = 1.0 - (double)(currentEpoch - startingEpoch) / span;
        return FinalSparsity + (InitialSparsity - FinalSparsity) * progress * progress * progress;
    }

    /// <summary>Distiller's span; zero or less means the schedule never reaches its final sparsity.</summary>
    public static int Span(int startingEpoch, int endingEpoch, int frequency) =>
        Schedules.AgpSpan.Of(startingEpoch, endingEpoch, frequency);
}
