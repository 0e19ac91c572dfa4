using Distiller.Typed.Policies;
using static Distiller.Typed.Tests.LearningRate.DistillerLearningRateTests;

namespace Distiller.Typed.Tests.LearningRate;

public class ReduceLROnPlateauTests
{
    // min mode, rel threshold 1e-4, patience 1, factor 0.5, from lr 1.0. Losses 10, 9, 9, 9, 9, 8, 8, 8:
    // e0 10 < inf: best 10, bad 0 -> 1.0 | e1 9: best 9 -> 1.0 | e2 9 !< 9*(1-1e-4): bad 1 -> 1.0
    // e3 bad 2 > 1: lr 0.5, bad 0 | e4 bad 1 -> 0.5 | e5 8: best 8 -> 0.5 | e6 bad 1 -> 0.5 | e7 bad 2: 0.25
    // The list is the LR each epoch trains with, so the reductions show one epoch later.
    private static readonly double[] Losses = { 10, 9, 9, 9, 9, 8, 8, 8 };
    private static readonly double[] Expected = { 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25 };

    private static readonly Dictionary<string, object?> MinArgs = new() { ["mode"] = "min", ["factor"] = 0.5, ["patience"] = 1 };

    [Fact]
    public void ReducesAfterPatienceRunsOut_ReadingLoss()
    {
        using var h = new LrHarness(lr: 1.0);
        var policy = new LRPolicy(h.Optimizer, "ReduceLROnPlateau", MinArgs);
        var lrs = h.Run(policy, Losses.Length, e => new Dictionary<string, double> { ["loss"] = Losses[e], ["top1"] = 50 });
        AssertClose(Expected.Take(Losses.Length).ToArray(), lrs);
        Assert.Equal(Expected[^1], h.Lr);
    }

    [Fact]
    public void DistillersMinKeyWinsOverLoss()
    {
        // image_classifier passes metrics={'min': loss, 'max': top1}; LRPolicy reads metrics[mode].
        using var h = new LrHarness(lr: 1.0);
        var policy = new LRPolicy(h.Optimizer, "ReduceLROnPlateau", MinArgs);
        h.Run(policy, Losses.Length, e => new Dictionary<string, double> { ["min"] = Losses[e], ["loss"] = 0 });
        Assert.Equal(0.25, h.Lr, 12);
    }

    [Fact]
    public void MaxModeReadsTop1_AndAConfiguredMetricNameIsHonoured()
    {
        // max mode: accuracy 50, 60, 60, 60 with patience 1 -> e2 bad 1, e3 bad 2 -> 1.0 * 0.1
        using (var h = new LrHarness(lr: 1.0))
        {
            var policy = new LRPolicy(h.Optimizer, "ReduceLROnPlateau", new Dictionary<string, object?> { ["mode"] = "max", ["patience"] = 1 });
            double[] top1 = { 50, 60, 60, 60 };
            h.Run(policy, 4, e => new Dictionary<string, double> { ["top1"] = top1[e], ["loss"] = 1 });
            Assert.Equal(0.1, h.Lr, 12);
        }
        using (var h = new LrHarness(lr: 1.0))
        {
            var policy = new LRPolicy(h.Optimizer, "ReduceLROnPlateau", MinArgs, metric: "val_loss");
            h.Run(policy, Losses.Length, e => new Dictionary<string, double> { ["val_loss"] = Losses[e], ["loss"] = 100 - e });
            Assert.Equal(0.25, h.Lr, 12);
        }
    }

    [Fact]
    public void CooldownDelaysCountingBadEpochs()
    {
        // patience 0, cooldown 1, factor 0.5, losses 5,5,5,5: e0 best 5; e1 bad 1 > 0 -> 0.5, cooldown 1;
        // e2 bad 1, cooldown -> 0, bad reset 0 -> stays; e3 bad 1 > 0 -> 0.25
        using var h = new LrHarness(lr: 1.0);
        var policy = new LRPolicy(h.Optimizer, "ReduceLROnPlateau", new Dictionary<string, object?> { ["factor"] = 0.5, ["patience"] = 0, ["cooldown"] = 1 });
        var lrs = h.Run(policy, 4, _ => new Dictionary<string, double> { ["loss"] = 5 });
        AssertClose(new[] { 1.0, 1.0, 0.5, 0.5 }, lrs);
        Assert.Equal(0.25, h.Lr, 12);
    }

    [Fact]
    public void MissingMetricIsAClearError()
    {
        using var h = new LrHarness(lr: 1.0);
        var policy = new LRPolicy(h.Optimizer, "ReduceLROnPlateau", MinArgs);
        var e = Assert.Throws<InvalidOperationException>(() => policy.OnEpochEnd(h.Context(0, new Dictionary<string, double> { ["acc"] = 1 })));
        Assert.Contains("'loss'", e.Message);
        Assert.Contains("'acc'", e.Message);
    }
}
