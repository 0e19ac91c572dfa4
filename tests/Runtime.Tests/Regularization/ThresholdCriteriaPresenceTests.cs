using Distiller.Typed.Regularization;
using TorchSharp;

namespace Distiller.Typed.Tests.Regularization;

/// <summary>
/// RegularizationPolicy thresholds only when the regularizer was given <c>threshold_criteria</c>, as Distiller's
/// policy checks <c>regularizer.threshold_criteria is None</c>.
/// </summary>
public class ThresholdCriteriaPresenceTests
{
    [Fact]
    public void L1RegularizerThresholdsOnlyWithCriteria()
    {
        using var model = torch.nn.Linear(2, 2);
        var regims = new Dictionary<string, double> { ["weight"] = 0.1 };
        Assert.False(new L1Regularizer("r", model, regims).HasThresholdCriteria);
        Assert.True(new L1Regularizer("r", model, regims, "Mean_Abs").HasThresholdCriteria);
    }

    [Fact]
    public void GroupLassoAndGroupVarianceThresholdOnlyWithCriteria()
    {
        using var model = torch.nn.Conv2d(2, 4, 3);
        var regims = new Dictionary<string, GroupRegime> { ["weight"] = new(0.1, "Channels") };
        Assert.False(new GroupLassoRegularizer("r", model, regims).HasThresholdCriteria);
        Assert.True(new GroupLassoRegularizer("r", model, regims, "Max").HasThresholdCriteria);
        Assert.False(new GroupVarianceRegularizer("r", model, regims).HasThresholdCriteria);
        Assert.True(new GroupVarianceRegularizer("r", model, regims, "Mean_Abs").HasThresholdCriteria);
    }
}
