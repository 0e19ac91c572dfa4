using Distiller.Typed.Policies;
using static Distiller.Typed.Tests.LearningRate.DistillerLearningRateTests;

namespace Distiller.Typed.Tests.LearningRate;

/// <summary>
/// Each torch scheduler built by class name with PyTorch's arguments and driven through LRPolicy.OnEpochEnd; the
/// expected LRs are the closed forms worked by hand (PyTorch's documentation formulas).
/// </summary>
public class TorchSchedulerTests
{
    private static double[] Run(string className, Dictionary<string, object?> args, int epochs, double lr = 0.1, double momentum = 0.9)
    {
        using var h = new LrHarness(lr, momentum);
        var policy = new LRPolicy(h.Optimizer, className, args);
        return h.Run(policy, epochs);
    }

    [Fact]
    public void StepLR()
    {
        // 0.1 * 0.1^floor(e/2)
        AssertClose(new[] { 0.1, 0.1, 0.01, 0.01, 0.001, 0.001 },
            Run("StepLR", new() { ["step_size"] = 2, ["gamma"] = 0.1 }, 6));
    }

    [Fact]
    public void MultiStepLR()
    {
        // 1.0 * 0.5^(#milestones <= e), milestones [2, 4]
        AssertClose(new[] { 1.0, 1.0, 0.5, 0.5, 0.25, 0.25 },
            Run("MultiStepLR", new() { ["milestones"] = new List<object> { 2, 4 }, ["gamma"] = 0.5 }, 6, lr: 1.0));
    }

    [Fact]
    public void ExponentialLR()
    {
        // 0.1 * 0.9^e: 0.1, 0.09, 0.081, 0.0729, 0.06561
        AssertClose(new[] { 0.1, 0.09, 0.081, 0.0729, 0.06561 },
            Run("ExponentialLR", new() { ["gamma"] = 0.9 }, 5));
    }

    [Fact]
    public void CosineAnnealingLR()
    {
        // 0.01 + (0.1 - 0.01) * (1 + cos(pi e / 4)) / 2
        // e1: cos(pi/4) = 0.7071067812 -> 0.01 + 0.09 * 0.8535533906 = 0.0868198052
        // e2: cos(pi/2) = 0 -> 0.01 + 0.045 = 0.055
        // e3: cos(3pi/4) = -0.7071067812 -> 0.01 + 0.09 * 0.1464466094 = 0.0231801948
        AssertClose(new[] { 0.1, 0.0868198052, 0.055, 0.0231801948, 0.01 },
            Run("CosineAnnealingLR", new() { ["T_max"] = 4, ["eta_min"] = 0.01 }, 5), 1e-10);
    }

    [Fact]
    public void TorchPolynomialLR_ClampsAtTotalIters()
    {
        // torch: 0.1 * (1 - min(e, 4)/4)^1
        AssertClose(new[] { 0.1, 0.075, 0.05, 0.025, 0.0, 0.0 },
            Run("PolynomialLR", new() { ["total_iters"] = 4, ["power"] = 1.0 }, 6));
    }

    [Fact]
    public void LinearLR()
    {
        // 0.1 * (0.5 + 0.5 * min(e, 4) / 4): 0.05, 0.0625, 0.075, 0.0875, 0.1, 0.1
        AssertClose(new[] { 0.05, 0.0625, 0.075, 0.0875, 0.1, 0.1 },
            Run("LinearLR", new() { ["start_factor"] = 0.5, ["end_factor"] = 1.0, ["total_iters"] = 4 }, 6));
    }

    [Fact]
    public void ConstantLR()
    {
        // 0.1 * 0.5 while e < 2, then 0.1
        AssertClose(new[] { 0.05, 0.05, 0.1, 0.1 },
            Run("ConstantLR", new() { ["factor"] = 0.5, ["total_iters"] = 2 }, 4));
    }

    [Fact]
    public void CyclicLR_Triangular()
    {
        // Smith's CLR, step_size_up = 2 (cycle of 4): cycle = floor(1 + e/4), x = 1 + e/4 - cycle,
        // scale = x / 0.5 if x <= 0.5 else (x - 1) / (0.5 - 1); lr = 0.1 + 0.4 * scale
        // e0 x 0 -> 0.1; e1 x .25 -> .5 -> 0.3; e2 x .5 -> 1 -> 0.5; e3 x .75 -> .5 -> 0.3; e4 x 0 -> 0.1
        AssertClose(new[] { 0.1, 0.3, 0.5, 0.3, 0.1 },
            Run("CyclicLR", new() { ["base_lr"] = 0.1, ["max_lr"] = 0.5, ["step_size_up"] = 2, ["cycle_momentum"] = false }, 5));
    }

    [Fact]
    public void OneCycleLR_Linear()
    {
        // total_steps 10, pct_start 0.3: phase 1 ends at step 0.3*10-1 = 2, phase 2 at 9.
        // initial = 1/25 = 0.04, min = 0.04/1e4 = 4e-6. Linear: (end - start) * pct + start.
        // e0 0.04; e1 pct .5 -> 0.96*.5 + .04 = 0.52; e2 -> 1.0; e3 pct 1/7 -> 1 - 0.999996/7 = 0.857143428571...
        var lrs = Run("OneCycleLR", new() { ["max_lr"] = 1.0, ["total_steps"] = 10, ["anneal_strategy"] = "linear", ["cycle_momentum"] = false }, 4);
        AssertClose(new[] { 0.04, 0.52, 1.0, 1 - 0.999996 / 7 }, lrs, 1e-12);
    }

    [Fact]
    public void CosineAnnealingWarmRestarts()
    {
        // T_0 = 2, T_mult = 2: periods [0, 2), [2, 6), [6, 14). lr = (1 + cos(pi T_cur / T_i)) / 2 from 1.0
        // e0 T_cur 0/2 -> 1; e1 1/2 -> 0.5; e2 restart 0/4 -> 1; e3 1/4 -> 0.8535533906; e4 2/4 -> 0.5;
        // e5 3/4 -> 0.1464466094; e6 restart 0/8 -> 1
        AssertClose(new[] { 1.0, 0.5, 1.0, 0.8535533906, 0.5, 0.1464466094, 1.0 },
            Run("CosineAnnealingWarmRestarts", new() { ["T_0"] = 2, ["T_mult"] = 2 }, 7, lr: 1.0), 1e-10);
    }

    [Fact]
    public void CosineAnnealingWarmRestarts_TMultOneRepeatsThePeriod()
    {
        // T_0 = 3, eta_min 0.1, base 1: e mod 3 = 0 -> 1; 1 -> 0.1 + 0.9 * (1 + cos(pi/3)) / 2 = 0.1 + 0.9 * 0.75 = 0.775;
        // 2 -> 0.1 + 0.9 * 0.25 = 0.325
        AssertClose(new[] { 1.0, 0.775, 0.325, 1.0, 0.775, 0.325 },
            Run("CosineAnnealingWarmRestarts", new() { ["T_0"] = 3, ["eta_min"] = 0.1 }, 6, lr: 1.0), 1e-12);
    }
}
