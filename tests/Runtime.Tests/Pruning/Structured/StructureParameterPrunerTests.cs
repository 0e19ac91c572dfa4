using Distiller.Typed.Masks;
using Distiller.Typed.Pruning;
using Distiller.Typed.Tests.Thresholding;
using TorchSharp;
using static Distiller.Typed.Tests.Pruning.Structured.PruningFixture;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Pruning.Structured;

public class StructureParameterPrunerTests
{
    [Fact]
    public void ThresholdsChannelsByMeanAbs()
    {
        using var scope = NewDisposeScope();
        var model = nn.Sequential(("conv", nn.Conv2d(3, 2, 3)));
        using var masks = MaskDictionary.For(model);
        Set(model, "conv.weight", ThresholdingTensors.Values(ThresholdingTensors.FourD()));
        // Channel mean |w| 0.8362, 0.7625, 0.6832 (test_thresholding.py); threshold 0.7 drops channel 2.
        var pruner = new StructureParameterPruner("s", model,
            new Dictionary<string, StructureThreshold> { ["conv.weight"] = new(0.7, "Channels") }, "Mean_Abs");
        Assert.Equal(ThresholdingTensors.KernelMask(1, 1, 0, 1, 1, 0), Prune(pruner, model, masks, "conv.weight"));
    }

    [Fact]
    public void ValidatesCriteriaAndShapes()
    {
        using var scope = NewDisposeScope();
        var model = nn.Sequential(("conv", nn.Conv2d(3, 2, 3)));
        var bias = Assert.Throws<ArgumentException>(() => new StructureParameterPruner("s", model,
            new Dictionary<string, StructureThreshold> { ["conv.bias"] = new(0.7, "Channels") }, "Max"));
        Assert.Contains("'conv.bias'", bias.Message);
        Assert.Contains("(2)", bias.Message);
        Assert.Throws<ArgumentException>(() => new StructureParameterPruner("s", model,
            new Dictionary<string, StructureThreshold> { ["conv.weight"] = new(0.7, "Channels") }, "Mean"));
    }
}
