namespace Distiller.Typed.Policies;

/// <summary>
/// The epochs a policy is active on, as Distiller's <c>CompressionScheduler.add_policy</c> decides them: either
/// <c>range(starting_epoch, ending_epoch, frequency)</c> (ending epoch excluded) or an explicit <c>epochs</c> list,
/// in which case <c>starting_epoch = epochs[0]</c>, <c>ending_epoch = epochs[-1] + 1</c> and there is no frequency.
/// </summary>
public sealed class PolicySchedule
{
    private readonly HashSet<int> _active;

    private PolicySchedule(int startingEpoch, int endingEpoch, int? frequency, IReadOnlyList<int> epochs)
    {
        StartingEpoch = startingEpoch;
        EndingEpoch = endingEpoch;
        Frequency = frequency;
        Epochs = epochs;
        _active = new HashSet<int>(epochs);
    }

    public int StartingEpoch { get; }

    /// <summary>The first epoch after the schedule (exclusive), as Distiller's <c>ending_epoch</c>.</summary>
    public int EndingEpoch { get; }

    /// <summary>Null when the schedule was given as an epochs list (Distiller's <c>frequency: None</c>).</summary>
    public int? Frequency { get; }

    /// <summary>Every epoch the policy runs on, in order.</summary>
    public IReadOnlyList<int> Epochs { get; }

    /// <summary>True when the policy runs at <paramref name="epoch"/>.</summary>
    public bool IsActive(int epoch) => _active.Contains(epoch);

    /// <summary>True when <paramref name="epoch"/> is <c>ending_epoch - 1</c>, Distiller's "last epoch" test.</summary>
    public bool IsLastEpoch(int epoch) => epoch == EndingEpoch - 1;

    /// <summary><c>range(startingEpoch, endingEpoch, frequency)</c>; requires 0 ≤ start &lt; end and 0 &lt; frequency ≤ end - start.</summary>
    public static PolicySchedule Range(int startingEpoch, int endingEpoch, int frequency = 1)
    {
        if (startingEpoch < 0)
            throw new ArgumentOutOfRangeException(nameof(startingEpoch), startingEpoch, "starting_epoch must be 0 or more.");
        if (endingEpoch <= startingEpoch)
            throw new ArgumentOutOfRangeException(nameof(endingEpoch), endingEpoch,
                $"ending_epoch must be greater than starting_epoch ({startingEpoch}); the ending epoch is exclusive.");
        if (frequency <= 0 || frequency > endingEpoch - startingEpoch)
            throw new ArgumentOutOfRangeException(nameof(frequency), frequency,
                $"frequency must be between 1 and ending_epoch - starting_epoch ({endingEpoch - startingEpoch}).");
        var epochs = new List<int>();
        for (int epoch = startingEpoch; epoch < endingEpoch; epoch += frequency)
            epochs.Add(epoch);
        return new PolicySchedule(startingEpoch, endingEpoch, frequency, epochs);
    }

    /// <summary>An explicit list of epochs (Distiller's <c>epochs:</c>).</summary>
    public static PolicySchedule FromEpochs(IEnumerable<int> epochs)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        var list = epochs.ToArray();
        if (list.Length == 0)
            throw new ArgumentException("The epochs list must name at least one epoch.", nameof(epochs));
        var negative = list.Where(e => e < 0).ToArray();
        if (negative.Length > 0)
            throw new ArgumentOutOfRangeException(nameof(epochs), $"Epochs must be 0 or more; got {string.Join(", ", negative)}.");
        var repeated = list.GroupBy(e => e).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        if (repeated.Length > 0)
            throw new ArgumentException(
                $"The epochs list names {string.Join(", ", repeated)} more than once (Distiller would run the policy twice on that epoch).",
                nameof(epochs));
        return new PolicySchedule(list[0], list[^1] + 1, null, list);
    }

    public override string ToString() => Frequency is int f
        ? $"epochs {StartingEpoch}..{EndingEpoch} (exclusive) every {f}"
        : $"epochs [{string.Join(", ", Epochs)}]";
}
