using Distiller.Typed.Policies;

namespace Distiller.Typed.Tests.LearningRate;

/// <summary>6 epochs in one go equal 3 epochs, SaveState, LoadState into fresh objects, 3 more — bit for bit.</summary>
public class LRPolicyResumeTests
{
    private static IReadOnlyDictionary<string, double> Metrics(int epoch) =>
        new Dictionary<string, double> { ["loss"] = new[] { 4.0, 3.0, 3.0, 3.0, 2.0, 2.0 }[epoch] };

    [Theory]
    [InlineData("ReduceLROnPlateau")]
    [InlineData("StepLR")]
    [InlineData("CyclicLR")]
    [InlineData("MultiStepMultiGammaLR")]
    public void ResumedRunEqualsUninterruptedRun(string className)
    {
        Dictionary<string, object?> args = className switch
        {
            "ReduceLROnPlateau" => new() { ["factor"] = 0.5, ["patience"] = 1 },
            "StepLR" => new() { ["step_size"] = 2, ["gamma"] = 0.3 },
            "CyclicLR" => new() { ["base_lr"] = 0.01, ["max_lr"] = 0.1, ["step_size_up"] = 2 },
            _ => new() { ["milestones"] = new[] { 2, 4 }, ["gammas"] = new[] { 0.3, 0.7 } },
        };

        double[] whole;
        double wholeMomentumEnd;
        using (var h = new LrHarness(lr: 0.1))
        {
            var policy = new LRPolicy(h.Optimizer, className, args);
            whole = h.Run(policy, 6, Metrics).Append(h.Lr).ToArray();
            wholeMomentumEnd = ((TorchSharp.torch.optim.IMomentum)h.Optimizer.ParamGroups.First()).Momentum;
        }

        var state = new Dictionary<string, object>();
        double[] first;
        using (var h = new LrHarness(lr: 0.1))
        {
            var policy = new LRPolicy(h.Optimizer, className, args);
            first = h.Run(policy, 3, Metrics);
            policy.SaveState(state);
        }

        using (var h = new LrHarness(lr: 0.1))
        {
            var policy = new LRPolicy(h.Optimizer, className, args);
            policy.LoadState(state);
            var second = h.Run(policy, 3, Metrics, firstEpoch: 3).Append(h.Lr);
            Assert.Equal(whole, first.Concat(second).ToArray()); // exact
            Assert.Equal(wholeMomentumEnd, ((TorchSharp.torch.optim.IMomentum)h.Optimizer.ParamGroups.First()).Momentum);
        }

        foreach (var t in state.Values.OfType<IDisposable>())
            t.Dispose();
    }

    [Fact]
    public void ResumeReallyRestoresPlateauState()
    {
        // Without the replay, a fresh ReduceLROnPlateau would have best = inf and 0 bad epochs at epoch 3 and would not
        // reduce at the end of epoch 3 (loss 3 after 4, 3, 3: bad epochs 1 -> 2 > patience 1).
        using var h = new LrHarness(lr: 0.1);
        var policy = new LRPolicy(h.Optimizer, "ReduceLROnPlateau", new Dictionary<string, object?> { ["factor"] = 0.5, ["patience"] = 1 });
        var state = new Dictionary<string, object>();
        using (var earlier = new LrHarness(lr: 0.1))
        {
            var p = new LRPolicy(earlier.Optimizer, "ReduceLROnPlateau", new Dictionary<string, object?> { ["factor"] = 0.5, ["patience"] = 1 });
            earlier.Run(p, 3, Metrics);
            p.SaveState(state);
        }
        policy.LoadState(state);
        Assert.Equal(0.1, h.Lr);
        policy.OnEpochEnd(h.Context(3, Metrics(3)));
        Assert.Equal(0.05, h.Lr, 15);
    }

    [Fact]
    public void LoadStateWithoutLrStateNamesTheMissingKey()
    {
        using var h = new LrHarness();
        var policy = new LRPolicy(h.Optimizer, "StepLR", new Dictionary<string, object?> { ["step_size"] = 2 });
        var e = Assert.Throws<ArgumentException>(() => policy.LoadState(new Dictionary<string, object> { ["x"] = 1 }));
        Assert.Contains("lr_scheduler.steps.epochs", e.Message);
    }
}
