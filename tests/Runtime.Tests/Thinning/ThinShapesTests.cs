using Distiller.Typed.Thinning;
using TorchSharp;
using static TorchSharp.torch;
using static Distiller.Typed.Tests.Thinning.ThinningSetup;

namespace Distiller.Typed.Tests.Thinning;

/// <summary>A thin model saved with its shapes reloads into a freshly built dense model; shapes that do not fit are an error, not a crash.</summary>
public class ThinShapesTests
{
    private static (byte[] Shapes, byte[] Weights) Save(nn.Module model)
    {
        using var shapes = new MemoryStream();
        using (var writer = new BinaryWriter(shapes, System.Text.Encoding.UTF8, leaveOpen: true))
            ThinShapes.Of(model)!.Write(writer);
        using var weights = new MemoryStream();
        using (var writer = new BinaryWriter(weights, System.Text.Encoding.UTF8, leaveOpen: true))
            model.save(writer);
        return (shapes.ToArray(), weights.ToArray());
    }

    private static ThinShapes ReadShapes(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        return ThinShapes.Read(reader);
    }

    [Fact]
    public void AThinModelReloadsIntoAFreshModelAndComputesTheSame()
    {
        using var scope = NewDisposeScope();
        manual_seed(21);
        var model = new TinyResNet();
        RandomizeBatchNorms(model);
        Assert.Null(ThinShapes.Of(model)); // a dense model has nothing to record
        ZeroFilter(model.conv1, model.bn1, 0);
        ZeroFilter(model.Block1.conv2, model.Block1.bn2, 0);
        ZeroFilter(model.Block1.conv1, model.Block1.bn1, 3);
        NetworkThinning.Thin(model, ThinningFunction.RemoveFilters, TinyResNet.InputShape);
        model.eval();
        var x = randn(2, 1, 8, 8);
        var expected = model.call(x).detach().clone();
        var (shapes, weights) = Save(model);

        var reloaded = new TinyResNet();
        ReadShapes(shapes).Apply(reloaded, "thin.ckpt");
        using (var reader = new BinaryReader(new MemoryStream(weights)))
            reloaded.load(reader, strict: true);
        reloaded.eval();

        Assert.Equal(new long[] { 3, 1, 3, 3 }, reloaded.conv1.weight!.shape);
        Assert.Equal(new long[] { 3, 3, 3, 3 }, reloaded.Block1.conv1.weight!.shape);
        Assert.Equal(new long[] { 3, 3, 3, 3 }, reloaded.Block1.conv2.weight!.shape);
        Assert.Equal(3, reloaded.Block2.conv1.in_channels);
        Assert.Equal(ParameterCount(model), ParameterCount(reloaded));
        Assert.True(TestModels.Same(expected, reloaded.call(x)));
        Assert.NotNull(ThinShapes.Of(reloaded)); // saving the reloaded model records its shapes again
    }

    [Fact]
    public void ShapesOfAnotherArchitectureAreReportedByNameAndNothingChanges()
    {
        using var scope = NewDisposeScope();
        var model = new SmallConvNet();
        ZeroFilter(model.conv1, model.bn1, 1);
        NetworkThinning.Thin(model, ThinningFunction.RemoveFilters, SmallConvNet.InputShape);
        var (shapes, _) = Save(model);

        var other = new TinyResNet();
        var e = Assert.Throws<InvalidDataException>(() => ReadShapes(shapes).Apply(other, "thin.ckpt"));
        Assert.StartsWith("thin.ckpt: the checkpoint holds a thinned model whose shapes do not fit the model built to load it (TinyResNet)", e.Message);
        Assert.Contains("'conv2.weight' [6, 4, 3, 3] is not a tensor of the model", e.Message);
        Assert.Contains("'conv1.weight' was [4, 2, 3, 3] before thinning, but is [4, 1, 3, 3] in the model", e.Message);
        Assert.Contains("the model's 'layer1.0.conv1.weight' is not in the checkpoint", e.Message);
        Assert.Equal(new long[] { 4, 1, 3, 3 }, other.conv1.weight!.shape);
    }
}
