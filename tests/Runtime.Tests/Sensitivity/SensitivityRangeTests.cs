using Distiller.Typed.Sensitivity;

namespace Distiller.Typed.Tests.Sensitivity;

/// <summary><see cref="SensitivityRange"/>: numpy.arange(start, end, step) levels and the errors for ranges that test nothing or go past 1.</summary>
public sealed class SensitivityRangeTests
{
    [Fact]
    public void Distillers_default_range_is_the_19_levels_0_to_0_90()
    {
        var levels = SensitivityRange.Default.Levels();
        Assert.Equal(Enumerable.Range(0, 19).Select(i => i * 5 / 100.0), levels);
    }

    [Theory]
    [InlineData(0, 1, 0.25, new[] { 0, 0.25, 0.5, 0.75 })]
    [InlineData(0.1, 0.4, 0.1, new[] { 0.1, 0.2, 0.3 })]
    [InlineData(0.5, 1.01, 0.25, new[] { 0.5, 0.75, 1.0 })]
    [InlineData(0.3, 0.31, 0.5, new[] { 0.3 })]
    public void Levels_start_at_START_and_stop_below_END(double start, double end, double step, double[] expected) =>
        Assert.Equal(expected, new SensitivityRange(start, end, step).Levels());

    [Theory]
    [InlineData(0, 1, 0, "STEP must be greater than 0")]
    [InlineData(0, 1, -0.1, "STEP must be greater than 0")]
    [InlineData(-0.1, 1, 0.1, "START must be in [0, 1]")]
    [InlineData(0.5, 0.5, 0.1, "END must be greater than START")]
    [InlineData(0.5, 1.3, 0.25, "the levels reach 1.25")]
    [InlineData(0, double.NaN, 0.1, "finite numbers")]
    public void A_bad_range_is_an_error_naming_the_option(double start, double end, double step, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new SensitivityRange(start, end, step).Levels());
        Assert.StartsWith("--sense-range ", e.Message);
        Assert.Contains(message, e.Message);
    }
}
