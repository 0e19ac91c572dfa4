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

    [Fact]
    public void TopOneAndTopKComeFromOneRanking()
    {
        using var scope = NewDisposeScope();
        // Row 0: label 2 is the largest (top-1 and top-2); row 1: label 0 is second (top-2 only); row 2: label 1 is last.
        var logits = tensor(new float[] { 0.1f, 0.2f, 0.9f, 0.5f, 0.9f, 0.1f, 0.7f, 0.1f, 0.3f }).reshape(3, 3);
        var target = tensor(new long[] { 2, 0, 1 });
        var (top1, top2) = Accuracy.CountTop1AndTopK(logits, target, 2);
        Assert.Equal((1L, 2L), (top1.item<long>(), top2.item<long>()));
        Assert.Equal(1L, Accuracy.CorrectTopK(logits, target, 1));
        Assert.Equal(2L, Accuracy.CorrectTopK(logits, target, 2));
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
