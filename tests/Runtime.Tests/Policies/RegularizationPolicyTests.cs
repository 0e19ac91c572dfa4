using Distiller.Typed.Masks;
using Distiller.Typed.Policies;
using Distiller.Typed.Regularization;
using TorchSharp;
using static Distiller.Typed.Tests.TestModels;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Policies;

public class RegularizationPolicyTests
{
    /// <summary>A test double: λ Σ|w| over every parameter; masks |w| ≤ threshold as a regularization mask.</summary>
    private sealed class TestL1Regularizer : IRegularizer
    {
        private readonly double _lambda;
        private readonly double? _threshold;

        public TestL1Regularizer(double lambda, double? threshold) => (_lambda, _threshold) = (lambda, threshold);

        public int ThresholdCalls { get; private set; }
        public string Name => "l1";
        public IReadOnlyCollection<string> ParameterNames => new[] { "*" };
        public bool HasThresholdCriteria => _threshold is not null;

        public Tensor Loss(Tensor parameter, string parameterName, Tensor regularizationLoss, MaskDictionary masks) =>
            regularizationLoss + parameter.abs().sum() * _lambda;

        public void Threshold(Tensor parameter, string parameterName, MaskDictionary masks)
        {
            ThresholdCalls++;
            if (_threshold is not double t)
                return;
            masks[parameterName].Mask = parameter.detach().abs().gt(t).to_type(parameter.dtype);
            masks[parameterName].IsRegularizationMask = true;
        }
    }

    [Fact]
    public void AddsTheRegularizerTermAsANamedComponent()
    {
        // weight [0.05, 0.5, -0.6, 0.7]: Σ|w| = 1.85, λ = 0.1 → 0.185; overall = loss + 0.185
        using var bench = new PolicyTestBench();
        bench.Scheduler.AddPolicy(new RegularizationPolicy(new TestL1Regularizer(0.1, null)), 0, 1);
        using var scope = NewDisposeScope();
        var result = bench.Scheduler.BeforeBackwardPass(0, 0, 1, tensor(1f));
        var component = Assert.Single(result.Components);
        Assert.Equal("TestL1Regularizer_loss", component.Name);
        Assert.Equal(0.185f, component.Value.ToSingle(), 5);
        Assert.Equal(1.185f, result.OverallLoss.ToSingle(), 5);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ThresholdMasksAreDroppedOnceAppliedUnlessKeptAtTheLastMinibatchOfTheLastEpoch(bool keepMask)
    {
        using var bench = new PolicyTestBench();
        bench.Scheduler.AddPolicy(new RegularizationPolicy(new TestL1Regularizer(0, 0.3), keepMask), 0, 2);
        bench.Scheduler.OnEpochBegin(0);
        float[] stepped = Array.Empty<float>();
        bench.Step(0, 0, 2, afterStep: () => stepped = Values(bench.Weight));
        Assert.Contains(stepped, v => Math.Abs(v) <= 0.3f);
        Assert.Equal(stepped.Select(v => Math.Abs(v) > 0.3f ? v : 0f), Values(bench.Weight)); // thresholded and applied
        Assert.Null(bench.Mask);     // a regularization mask lasts one application
        bench.Step(0, 1, 2);
        Assert.Null(bench.Mask);     // not the last epoch
        bench.Scheduler.OnEpochEnd(0);
        bench.Scheduler.OnEpochBegin(1);
        bench.Step(1, 0, 2);
        Assert.Null(bench.Mask);     // not the last minibatch
        bench.Step(1, 1, 2);
        Assert.Equal(keepMask, bench.Mask is not null);
        if (keepMask)
            Assert.False(bench.Scheduler.Masks["weight"].IsRegularizationMask);
    }

    [Fact]
    public void WithoutThresholdCriteriaNothingIsThresholdedOrMasked()
    {
        using var bench = new PolicyTestBench();
        var regularizer = new TestL1Regularizer(0.1, null);
        bench.Scheduler.AddPolicy(new RegularizationPolicy(regularizer), 0, 1);
        bench.Epoch(0, 2);
        Assert.Equal(0, regularizer.ThresholdCalls);
    }
}
