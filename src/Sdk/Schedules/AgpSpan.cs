namespace Distiller.Typed.Schedules;

/// <summary>
/// The number of epochs over which Automated Gradual Pruning moves from the initial to the final sparsity,
/// Distiller's <c>AgpPruningRate.step</c>: <c>span = ((ending_epoch - starting_epoch - 1) // frequency) * frequency</c>
/// (floor division), which must be positive. One formula for the validator (DTS052) and the pruners.
/// </summary>
public static class AgpSpan
{
    public static int Of(int startingEpoch, int endingEpoch, int frequency) =>
        FloorDiv(endingEpoch - startingEpoch - 1, frequency) * frequency;

    private static int FloorDiv(int a, int b)
    {
        var quotient = a / b;
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient;
    }
}
