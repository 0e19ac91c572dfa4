using Distiller.Typed.Schedules;

namespace Distiller.Typed.Tests.Validation;

/// <summary>Distiller's AgpPruningRate span, ((end - start - 1) // freq) * freq with Python's floor division.</summary>
public sealed class AgpSpanTests
{
    [Theory]
    [InlineData(0, 30, 2, 28)]  // (29 // 2) * 2
    [InlineData(0, 10, 1, 9)]
    [InlineData(0, 1, 1, 0)]    // DTS052: nothing is ever pruned
    [InlineData(5, 5, 2, -2)]   // (-1 // 2) * 2 = -1 * 2 in Python (floor), not 0 as C#'s truncation would give
    public void Matches_python_floor_division(int start, int end, int frequency, int span) =>
        Assert.Equal(span, AgpSpan.Of(start, end, frequency));
}
