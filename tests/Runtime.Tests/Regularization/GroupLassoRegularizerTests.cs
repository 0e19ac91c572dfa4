using Distiller.Typed.Masks;
using Distiller.Typed.Regularization;
using static Distiller.Typed.Tests.Regularization.RegularizationModel;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Regularization;

public class GroupLassoRegularizerTests
{
    private static GroupLassoRegularizer Lasso(TorchSharp.torch.nn.Module model, string param, double strength, string group, string? criteria = null) =>
        new("lasso", model, new Dictionary<string, GroupRegime> { [param] = new(strength, group) }, criteria);

    private static float[] Round(float[] values) => values.Select(v => MathF.Round(v, 5)).ToArray();

    [Fact]
    public void Rows_SumOfRowL2NormsAndItsGradient()
    {
        using var scope = NewDisposeScope();
        var model = Create();
        var (loss, grad) = LossAndGrad(Lasso(model, "fc.weight", 0.01, "Rows"), model, "fc.weight");
        // rows [3,4] [1,0] [6,8]: 5 + 1 + 10 = 16; x 0.01 = 0.16
        Assert.Equal(0.16, loss, 5);
        // 0.01 * w / ||row||: [.006,.008], [.01,0], [.006,.008]
        Assert.Equal(Round(new[] { 0.006f, 0.008f, 0.01f, 0f, 0.006f, 0.008f }), Round(grad));
    }

    [Fact]
    public void Cols_And_RowsPlusCols()
    {
        using var scope = NewDisposeScope();
        var model = Create();
        // cols [3,1,6] [4,0,8]: sqrt(46) + sqrt(80) = 6.782330 + 8.944272 = 15.726602; x 0.01
        Assert.Equal(0.15726602, LossAndGrad(Lasso(model, "fc.weight", 0.01, "Cols"), model, "fc.weight").Loss, 5);
        // Rows+Cols: 0.16 + 0.15726602
        Assert.Equal(0.31726602, LossAndGrad(Lasso(model, "fc.weight", 0.01, "Rows+Cols"), model, "fc.weight").Loss, 5);
        Assert.Equal(0.31726602, LossAndGrad(Lasso(model, "fc.weight", 0.01, "Cols+Rows"), model, "fc.weight").Loss, 5);
    }

    [Fact]
    public void Kernels2D()
    {
        using var scope = NewDisposeScope();
        var model = Create();
        // kernels [1,2,2,4] -> sqrt(25) = 5, [0,3,0,4] -> 5; 0.5 * 10 = 5
        var (loss, grad) = LossAndGrad(Lasso(model, "k.weight", 0.5, "2D"), model, "k.weight");
        Assert.Equal(5.0, loss, 5);
        // 0.5 * w / 5 = 0.1 w
        Assert.Equal(Round(new[] { 0.1f, 0.2f, 0.2f, 0.4f, 0f, 0.3f, 0f, 0.4f }), Round(grad));
    }

    [Fact]
    public void FiltersAnd3DAreTheSame()
    {
        using var scope = NewDisposeScope();
        var model = Create();
        // filters [1,2] [3,4]: sqrt(5) + 5 = 7.236068
        var (loss, grad) = LossAndGrad(Lasso(model, "conv.weight", 1, "Filters"), model, "conv.weight");
        Assert.Equal(7.236068, loss, 5);
        // w / ||filter||: 1/sqrt5, 2/sqrt5, 3/5, 4/5
        Assert.Equal(Round(new[] { 0.447214f, 0.894427f, 0.6f, 0.8f }), Round(grad));
        Assert.Equal(7.236068, LossAndGrad(Lasso(model, "conv.weight", 1, "3D"), model, "conv.weight").Loss, 5);
    }

    [Fact]
    public void Channels_UseDistillersEpsilonInsideTheRoot()
    {
        using var scope = NewDisposeScope();
        var model = Create();
        // channels [1,3] [2,4]: sqrt(10 + 1e-8) + sqrt(20 + 1e-8) = 3.162278 + 4.472136 = 7.634414
        var (loss, grad) = LossAndGrad(Lasso(model, "conv.weight", 1, "Channels"), model, "conv.weight");
        Assert.Equal(7.634414, loss, 5);
        // w / ||channel||: 1/sqrt10, 2/sqrt20, 3/sqrt10, 4/sqrt20
        Assert.Equal(Round(new[] { 0.316228f, 0.447214f, 0.948683f, 0.894427f }), Round(grad));
    }

    [Fact]
    public void Layer4D_And_ChannelsPlus4D_WhichDistillerShipsBroken()
    {
        using var scope = NewDisposeScope();
        var model = Create();
        // 4D: sqrt(1+4+9+16) = sqrt(30) = 5.477226
        Assert.Equal(5.477226, LossAndGrad(Lasso(model, "conv.weight", 1, "4D"), model, "conv.weight").Loss, 5);
        // Channels+4D: 7.634414 + 5.477226 = 13.111640, x 0.1
        var (loss, grad) = LossAndGrad(Lasso(model, "conv.weight", 0.1, "Channels+4D"), model, "conv.weight");
        Assert.Equal(1.3111640, loss, 5);
        // 0.1 * (w/||channel|| + w/sqrt30): w=1: 0.1*(0.316228+0.182574) = 0.0498802
        Assert.Equal(0.0498802f, grad[0], 5);
        Assert.Equal(1.3111640, LossAndGrad(Lasso(model, "conv.weight", 0.1, "4D+Channels"), model, "conv.weight").Loss, 5);
    }

    [Fact]
    public void ThresholdWithStrengthAsThreshold()
    {
        using var scope = NewDisposeScope();
        var model = Create();
        using var masks = MaskDictionary.For(model);
        // Filter L2 norms 2.236 and 5; threshold = strength = 3 -> filter 0 pruned.
        Lasso(model, "conv.weight", 3, "Filters", "L2").Threshold(Param(model, "conv.weight"), "conv.weight", masks);
        Assert.Equal(new float[] { 0, 0, 1, 1 }, masks["conv.weight"].Mask!.data<float>().ToArray());
        Assert.True(masks["conv.weight"].IsRegularizationMask);

        // Channels+4D, L2, threshold 4: channel norms 3.162 (pruned) and 4.472; layer 5.477 (kept).
        Lasso(model, "conv.weight", 4, "Channels+4D", "L2").Threshold(Param(model, "conv.weight"), "conv.weight", masks);
        Assert.Equal(new float[] { 0, 1, 0, 1 }, masks["conv.weight"].Mask!.data<float>().ToArray());

        // Rows, Max, threshold 4: row maxima 4, 1, 8 -> only row 2 kept.
        Lasso(model, "fc.weight", 4, "Rows", "Max").Threshold(Param(model, "fc.weight"), "fc.weight", masks);
        Assert.Equal(new float[] { 0, 0, 0, 0, 1, 1 }, masks["fc.weight"].Mask!.data<float>().ToArray());
    }

    [Fact]
    public void BadGroupTypesAreRejectedWithTheirParameter()
    {
        using var scope = NewDisposeScope();
        var model = Create();
        var unknown = Assert.Throws<ArgumentException>(() => Lasso(model, "conv.weight", 1, "Kernels"));
        Assert.Contains("'2D', 'Rows', 'Cols', 'Rows+Cols', 'Cols+Rows', '3D', 'Filters', 'Channels', '4D', 'Channels+4D', '4D+Channels'", unknown.Message);
        var bias = Assert.Throws<ArgumentException>(() => Lasso(model, "conv.bias", 1, "Channels"));
        Assert.Contains("'conv.bias'", bias.Message);
        Assert.Contains("(2)", bias.Message);
        var rows = Assert.Throws<ArgumentException>(() => Lasso(model, "conv.weight", 1, "Rows"));
        Assert.Contains("(2, 2, 1, 1)", rows.Message);
        Assert.Contains("2-D", rows.Message);
    }
}
