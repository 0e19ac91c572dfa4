using Distiller.Typed.Samples.ResNetPrune.Training;
using static TorchSharp.torch;

namespace Distiller.Typed.Sample.Tests;

/// <summary>The trainer's running sums and the progress bar's print points, which decide when metrics are read to the host.</summary>
public sealed class RunningTotalsTests
{
    [Fact]
    public void LossesAreWeightedBySamplesAndCountsAddUp()
    {
        using var totals = new RunningTotals(CPU);
        using (NewDisposeScope())
        {
            totals.Add(4, [("loss", tensor(0.5f), true), ("top1", tensor(3L), false)]);
            totals.Add(2, [("loss", tensor(2.0f), true), ("top1", tensor(1L), false)]);
        }
        Assert.Equal(6, totals.Seen);
        Assert.Equal((4 * 0.5 + 2 * 2.0) / 6, totals.Mean("loss"), 12);
        Assert.Equal(100.0 * 4 / 6, totals.Percent("top1"), 12);
        Assert.Equal(0, totals.Mean("absent"));
    }

    [Fact]
    public void ANonFiniteLossStaysInTheSum()
    {
        using var totals = new RunningTotals(CPU);
        using (NewDisposeScope())
        {
            totals.Add(1, [("loss", tensor(float.NaN), true)]);
            totals.Add(1, [("loss", tensor(1f), true)]);
        }
        Assert.True(double.IsNaN(totals.Mean("loss")));
    }

    [Theory]
    [InlineData(false, null, 469)]
    [InlineData(false, 10, 469)]
    [InlineData(false, null, 3)]
    public void IsDueExactlyWhenUpdatePrints(bool interactive, int? printFrequency, int total)
    {
        var output = new StringWriter();
        var bar = new ProgressBar(output, "Epoch 1/1", total, interactive, printFrequency);
        for (var done = 1; done <= total; done++)
        {
            var due = bar.IsDue(done);
            var before = output.ToString().Length;
            bar.Update(done, 1.0, 50.0, 0.1, 0.0);
            Assert.Equal(due, output.ToString().Length > before);
        }
    }

    [Fact]
    public void ATerminalBarIsRedrawnAboutFiftyTimesAnEpochNotAtEveryStep()
    {
        var bar = new ProgressBar(new StringWriter(), "Epoch 1/1", 469, interactive: true);
        var due = Enumerable.Range(1, 469).Count(bar.IsDue);
        Assert.InRange(due, 50, 53); // every 9th of 469 minibatches (52) and the last
        Assert.True(bar.IsDue(469));
    }
}
