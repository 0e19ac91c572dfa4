using Distiller.Typed.Masks;
using Distiller.Typed.Regularization;
using static Distiller.Typed.Tests.Regularization.RegularizationModel;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Regularization;

public class L1RegularizerTests
{
    [Fact]
    public void LossIsStrengthTimesL1NormAndGradientIsStrengthTimesSign()
    {
        using var scope = NewDisposeScope();
        var model = Create();
        var reg = new L1Regularizer("l1", model, new Dictionary<string, double> { ["fc.weight"] = 0.1 });
        var (loss, grad) = LossAndGrad(reg, model, "fc.weight");
        // |3|+|4|+|1|+|0|+|6|+|8| = 22; 0.1 * 22 = 2.2
        Assert.Equal(2.2, loss, 5);
        // sign(w) * 0.1; sign(0) = 0
        Assert.Equal(new[] { 0.1f, 0.1f, 0.1f, 0f, 0.1f, 0.1f }, grad.Select(g => MathF.Round(g, 6)).ToArray());
    }

    [Fact]
    public void LossAddsToTheRunningRegularizationLossAndIgnoresOtherParameters()
    {
        using var scope = NewDisposeScope();
        var model = Create();
        using var masks = MaskDictionary.For(model);
        var reg = new L1Regularizer("l1", model, new Dictionary<string, double> { ["conv.weight"] = 0.5 });
        // 0.25 + 0.5 * (1+2+3+4) = 5.25
        var total = reg.Loss(Param(model, "conv.weight"), "conv.weight", tensor(0.25f), masks);
        Assert.Equal(5.25f, total.item<float>(), 5);
        var untouched = tensor(0.25f);
        Assert.Same(untouched, reg.Loss(Param(model, "fc.weight"), "fc.weight", untouched, masks));
    }

    [Fact]
    public void ThresholdMasksElementsAtOrUnderTheStrength()
    {
        using var scope = NewDisposeScope();
        var model = Create();
        using var masks = MaskDictionary.For(model);
        var reg = new L1Regularizer("l1", model, new Dictionary<string, double> { ["fc.weight"] = 4 }, "Mean_Abs");
        reg.Threshold(Param(model, "fc.weight"), "fc.weight", masks);
        // |w| > 4: [3,4,1,0,6,8] -> [0,0,0,0,1,1] (4 is at the threshold)
        Assert.Equal(new float[] { 0, 0, 0, 0, 1, 1 }, masks["fc.weight"].Mask!.data<float>().ToArray());
        Assert.True(masks["fc.weight"].IsRegularizationMask);
    }

    [Fact]
    public void WithoutCriterionThresholdSetsNoMask()
    {
        using var scope = NewDisposeScope();
        var model = Create();
        using var masks = MaskDictionary.For(model);
        var reg = new L1Regularizer("l1", model, new Dictionary<string, double> { ["fc.weight"] = 4 });
        reg.Threshold(Param(model, "fc.weight"), "fc.weight", masks);
        Assert.Null(masks["fc.weight"].Mask);
    }

    [Fact]
    public void UnknownParameterAndNegativeStrengthAreRejected()
    {
        using var scope = NewDisposeScope();
        var model = Create();
        var ex = Assert.Throws<ArgumentException>(() => new L1Regularizer("l1", model, new Dictionary<string, double> { ["fc1.weight"] = 0.1 }));
        Assert.Contains("'fc1.weight'", ex.Message);
        Assert.Contains("'fc.weight'", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new L1Regularizer("l1", model, new Dictionary<string, double> { ["fc.weight"] = -1 }));
        var bad = Assert.Throws<ArgumentException>(() => new L1Regularizer("l1", model, new Dictionary<string, double> { ["fc.weight"] = 1 }, "Mean"));
        Assert.Contains("threshold_criteria 'Mean'", bad.Message);
    }
}
