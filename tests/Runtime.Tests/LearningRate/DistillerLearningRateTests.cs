using Distiller.Typed.LearningRate;
using Distiller.Typed.Policies;

namespace Distiller.Typed.Tests.LearningRate;

/// <summary>Distiller's tests/test_learning_rate.py, and Distiller's PolynomialLR by hand.</summary>
public class DistillerLearningRateTests
{
    [Fact]
    public void MultiStepMultiGammaLR_RejectsWhatDistillerRejects()
    {
        using var h = new LrHarness(lr: 0.1);
        Assert.Throws<ArgumentException>(() => new MultiStepMultiGammaLR(h.Optimizer, new[] { 60, 30, 80 }, new[] { 0.1, 0.1, 0.2 }));
        Assert.Throws<ArgumentException>(() => new MultiStepMultiGammaLR(h.Optimizer, new[] { 30, 60 }, new[] { 0.1, 0.1, 0.2 }));
        Assert.Throws<ArgumentException>(() => new MultiStepMultiGammaLR(h.Optimizer, new[] { 30, 60, 80 }, new[] { 0.1, 0.1 }));
    }

    [Fact]
    public void MultiStepMultiGammaLR_MatchesDistillersTestExactly()
    {
        using var h = new LrHarness(lr: 0.1);
        var sched = new MultiStepMultiGammaLR(h.Optimizer, new[] { 30, 60, 80 }, new[] { 0.1, 0.1, 0.2 });

        // expected_gammas = [1, 1 * 0.1, 1 * 0.1 * 0.1, 1 * 0.1 * 0.1 * 0.2]; expected_lrs = [0.1 * gamma ...]
        double[] expectedGammas = { 1, 1 * 0.1, 1 * 0.1 * 0.1, 1 * 0.1 * 0.1 * 0.2 };
        var expectedLrs = expectedGammas.Select(g => 0.1 * g).ToArray();
        Assert.Equal(expectedGammas, sched.MultiplicativeGammas);

        (int Step, int Index)[] checks = { (0, 0), (15, 0), (30, 1), (33, 1), (60, 2), (79, 2), (80, 3), (100, 3) };
        foreach (var (step, index) in checks)
        {
            sched.step(step);
            Assert.Equal(expectedLrs[index], h.Lr); // exact, as the Python test's ==
        }
    }

    [Fact]
    public void MultiStepMultiGammaLR_ThroughLRPolicy_StepsToEpochPlusOne()
    {
        using var h = new LrHarness(lr: 0.1);
        var policy = new LRPolicy(h.Optimizer, "MultiStepMultiGammaLR",
            new Dictionary<string, object?> { ["milestones"] = new[] { 30, 60, 80 }, ["gammas"] = new[] { 0.1, 0.1, 0.2 } });
        Assert.Equal(0.1, h.Lr);
        // OnEpochEnd(epoch) steps to epoch + 1, as Distiller's lr_sched.step(epoch=current_epoch + 1).
        (int EndedEpoch, double Lr)[] checks = { (14, 0.1), (29, 0.1 * (1 * 0.1)), (32, 0.1 * (1 * 0.1)), (59, 0.1 * (1 * 0.1 * 0.1)), (78, 0.1 * (1 * 0.1 * 0.1)), (79, 0.1 * (1 * 0.1 * 0.1 * 0.2)) };
        foreach (var (ended, lr) in checks)
        {
            policy.OnEpochEnd(h.Context(ended));
            Assert.Equal(lr, h.Lr);
        }
    }

    [Fact]
    public void MultiStepMultiGammaLR_LastEpochResumesAtTheNextEpoch()
    {
        using var h = new LrHarness(lr: 0.1);
        // last_epoch = 30: the constructor steps to 31, past milestone 30 -> base_lr * 0.1.
        var sched = new MultiStepMultiGammaLR(h.Optimizer, new[] { 30, 60 }, new[] { 0.1, 0.5 }, last_epoch: 30);
        Assert.Equal(31, sched.LastEpoch);
        Assert.Equal(0.1 * 0.1, h.Lr);
    }

    [Fact]
    public void TorchSchedulerWithLastEpochContinuesFromTheRestoredOptimizerLr()
    {
        // Distiller's resume: the optimizer comes back with lr(3) = 0.1 * 0.9^3 = 0.0729 and the scheduler is built with
        // last_epoch = 3; PyTorch's constructor steps once (chainable form) to epoch 4: 0.0729 * 0.9 = 0.06561.
        using var h = new LrHarness(lr: 0.1);
        h.Optimizer.ParamGroups.First().LearningRate = 0.0729;
        var policy = new LRPolicy(h.Optimizer, "ExponentialLR", new Dictionary<string, object?> { ["gamma"] = 0.9, ["last_epoch"] = 3 });
        Assert.Equal(0.06561, h.Lr, 15);
        // The next epoch end (epoch 4) steps to 5 in closed form from the initial lr: 0.1 * 0.9^5 = 0.059049
        policy.OnEpochEnd(h.Context(4));
        Assert.Equal(0.059049, h.Lr, 15);
    }

    [Fact]
    public void PolynomialLR_IsDistillersFormula()
    {
        using var h = new LrHarness(lr: 0.1);
        var policy = new LRPolicy(h.Optimizer, "PolynomialLR", new Dictionary<string, object?> { ["T_max"] = 4, ["power"] = 2 });
        Assert.IsType<PolynomialLR>(policy.Scheduler);

        // lr = 0.1 * (1 - e/4)^2: e0 0.1, e1 0.1*0.5625 = 0.05625, e2 0.1*0.25 = 0.025, e3 0.1*0.0625 = 0.00625, e4 0
        var lrs = h.Run(policy, 5);
        AssertClose(new[] { 0.1, 0.05625, 0.025, 0.00625, 0.0 }, lrs);
    }

    [Fact]
    public void PolynomialLR_PastTMaxWithFractionalPowerIsAClearError()
    {
        using var h = new LrHarness(lr: 0.1);
        var sched = new PolynomialLR(h.Optimizer, T_max: 2, power: 0.5);
        var e = Assert.Throws<InvalidOperationException>(() => sched.step(3));
        Assert.Contains("T_max", e.Message);
    }

    internal static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance = 1e-12)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"epoch {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }
}
