using Distiller.Typed.Samples.ResNetPrune.Models;
using static TorchSharp.torch;

namespace Distiller.Typed.Sample.Tests;

public class ResNetModelTests
{
    [Fact]
    public void ResNet20HasPyTorchParameterNamesInPyTorchOrder()
    {
        using var model = new ResNet20();
        var names = model.named_parameters().Select(p => p.name).ToList();

        // conv1+bn1: 3; 9 blocks × (conv1, bn1.weight, bn1.bias, conv2, bn2.weight, bn2.bias) = 54;
        // layer2.0 and layer3.0 downsample (conv, bn.weight, bn.bias) = 6; fc.weight+bias = 2.  3+54+6+2 = 65.
        Assert.Equal(65, names.Count);
        Assert.Equal(new[]
        {
            "conv1.weight", "bn1.weight", "bn1.bias",
            "layer1.0.conv1.weight", "layer1.0.bn1.weight", "layer1.0.bn1.bias",
            "layer1.0.conv2.weight", "layer1.0.bn2.weight", "layer1.0.bn2.bias",
            "layer1.1.conv1.weight",
        }, names.Take(10));
        var layer2Block0 = names.SkipWhile(n => !n.StartsWith("layer2.0.", StringComparison.Ordinal)).Take(9);
        Assert.Equal(new[]
        {
            "layer2.0.conv1.weight", "layer2.0.bn1.weight", "layer2.0.bn1.bias",
            "layer2.0.conv2.weight", "layer2.0.bn2.weight", "layer2.0.bn2.bias",
            "layer2.0.downsample.0.weight", "layer2.0.downsample.1.weight", "layer2.0.downsample.1.bias",
        }, layer2Block0);
        Assert.Equal(new[] { "layer3.2.conv2.weight", "layer3.2.bn2.weight", "layer3.2.bn2.bias", "fc.weight", "fc.bias" },
            names.TakeLast(5));
        Assert.DoesNotContain("layer1.0.downsample.0.weight", names); // 16 -> 16 channels, stride 1: identity shortcut
        Assert.Contains("layer3.0.downsample.0.weight", names);
    }

    [Fact]
    public void ResNet20HasTheExpectedShapesAndParameterCount()
    {
        using var model = new ResNet20();
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal(new long[] { 16, 1, 3, 3 }, shapes["conv1.weight"]);
        Assert.Equal(new long[] { 32, 16, 3, 3 }, shapes["layer2.0.conv1.weight"]);
        Assert.Equal(new long[] { 32, 16, 1, 1 }, shapes["layer2.0.downsample.0.weight"]);
        Assert.Equal(new long[] { 64, 64, 3, 3 }, shapes["layer3.2.conv2.weight"]);
        Assert.Equal(new long[] { 10, 64 }, shapes["fc.weight"]);

        // conv1 144 + bn1 32
        // layer1: 3 × (2·16·16·9 + 4·16) = 3 × 4672 = 14016
        // layer2: (16·32·9 + 32·32·9 + 4·32 + 16·32 + 2·32) + 2 × (2·32·32·9 + 4·32) = 14528 + 37120 = 51648
        // layer3: (32·64·9 + 64·64·9 + 4·64 + 32·64 + 2·64) + 2 × (2·64·64·9 + 4·64) = 57728 + 147968 = 205696
        // fc 64·10 + 10 = 650.   Total 144 + 32 + 14016 + 51648 + 205696 + 650 = 272186
        Assert.Equal(272186L, model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void NarrowVariantKeepsResNet20NamesAtHalfTheWidth()
    {
        using var narrow = new ResNet20Narrow();
        using var full = new ResNet20();
        Assert.Equal(full.named_parameters().Select(p => p.name), narrow.named_parameters().Select(p => p.name));
        var shapes = narrow.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal(new long[] { 8, 1, 3, 3 }, shapes["conv1.weight"]);
        Assert.Equal(new long[] { 32, 32, 3, 3 }, shapes["layer3.2.conv2.weight"]);
        // 72 + 16 + 3·(2·8·8·9 + 32) + (8·16·9 + 16·16·9 + 64 + 8·16 + 32) + 2·(2·16·16·9 + 64)
        //   + (16·32·9 + 32·32·9 + 128 + 16·32 + 64) + 2·(2·32·32·9 + 128) + 32·10 + 10
        // = 88 + 3552 + 3680 + 9344 + 14528 + 37120 + 330 = 68642
        Assert.Equal(68642L, narrow.parameters().Sum(p => p.numel()));
    }

    [Theory]
    [InlineData("resnet20_narrow", 65)]
    [InlineData("resnet20", 65)]
    [InlineData("resnet32", 3 + 15 * 6 + 6 + 2)]
    [InlineData("resnet56", 3 + 27 * 6 + 6 + 2)]
    public void EveryArchitectureMapsABatchOfFashionMnistImagesToTenLogits(string arch, int parameterTensors)
    {
        using var scope = NewDisposeScope();
        using var model = Architectures.Create(arch);
        model.eval();
        var output = model.forward(randn(2, 1, 28, 28));
        Assert.Equal(new long[] { 2, 10 }, output.shape);
        Assert.Equal(parameterTensors, model.named_parameters().Count());
    }

    [Theory]
    // Per block (from the ResNet-20 arithmetic): stage 1 4672; stage 2 first 14528, others 18560; stage 3 first 57728,
    // others 73984; plus conv1+bn1 176 and fc 650.
    // ResNet-32 (5 blocks): 176 + 5·4672 + (14528 + 4·18560) + (57728 + 4·73984) + 650 = 176 + 23360 + 88768 + 353664 + 650 = 466618
    [InlineData("resnet32", 466618L)]
    // ResNet-56 (9 blocks): 176 + 9·4672 + (14528 + 8·18560) + (57728 + 8·73984) + 650 = 176 + 42048 + 163008 + 649600 + 650 = 855482
    [InlineData("resnet56", 855482L)]
    public void DeeperResNetsHaveTheExpectedParameterCount(string arch, long count)
    {
        using var model = Architectures.Create(arch);
        Assert.Equal(count, model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void UnknownArchitectureNamesTheValidOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => Architectures.Create("resnet18"));
        Assert.Contains("resnet18", error.Message);
        Assert.Contains("resnet20_narrow", error.Message);
        Assert.Contains("--arch", error.Message);
    }

    [Fact]
    public void EveryModelClassIsMarkedCompressible()
    {
        foreach (var type in new[] { typeof(ResNet20), typeof(ResNet32), typeof(ResNet56), typeof(ResNet20Narrow) })
            Assert.NotNull(type.GetCustomAttributes(typeof(CompressibleModelAttribute), false).SingleOrDefault());
    }
}
