using Distiller.Typed.Regularization;
using static Distiller.Typed.Tests.Regularization.RegularizationModel;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Regularization;

public class GroupVarianceRegularizerTests
{
    [Fact]
    public void LossIsStrengthOverTheUnbiasedVarianceOfChannelNorms()
    {
        using var scope = NewDisposeScope();
        var model = Create();
        var reg = new GroupVarianceRegularizer("var", model, new Dictionary<string, GroupRegime> { ["conv.weight"] = new(0.5, "Channels") });
        var (loss, grad) = LossAndGrad(reg, model, "conv.weight");
        // c0 = sqrt(10) = 3.162278, c1 = sqrt(20) = 4.472136; Var (n-1) = (c1-c0)^2 / 2 = (30 - 2 sqrt 200) / 2 = 0.857864
        // loss = 0.5 / 0.857864 = 0.582843
        Assert.Equal(0.582843, loss, 5);
        // dL/dw = -λ/V² · dV/dc · w/c; dV/dc1 = c1 - c0 = 1.309858, dV/dc0 = -1.309858; λ/V² = 0.5 / 0.735931 = 0.679410
        // w[0,1] = 2 (channel 1): -0.679410 * 1.309858 * 2 / 4.472136 = -0.397990
        // w[0,0] = 1 (channel 0): +0.679410 * 1.309858 * 1 / 3.162278 = +0.281423
        Assert.Equal(-0.397990f, grad[1], 4);
        Assert.Equal(0.281423f, grad[0], 4);
    }

    [Fact]
    public void OnlyChannelsIsSupported()
    {
        using var scope = NewDisposeScope();
        var model = Create();
        var ex = Assert.Throws<ArgumentException>(() =>
            new GroupVarianceRegularizer("var", model, new Dictionary<string, GroupRegime> { ["conv.weight"] = new(0.5, "Filters") }));
        Assert.Contains("valid group types are 'Channels'", ex.Message);
    }
}
