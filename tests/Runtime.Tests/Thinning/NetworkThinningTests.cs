using Distiller.Typed.Thinning;
using TorchSharp;
using static TorchSharp.torch;
using static Distiller.Typed.Tests.Thinning.ThinningSetup;

namespace Distiller.Typed.Tests.Thinning;

/// <summary>
/// Filters and channels zeroed by hand are removed with everything that holds them; the expected shapes and parameter
/// counts are worked out from the layer sizes, and the thin model must compute what the masked model computed.
/// </summary>
public class NetworkThinningTests
{
    private static long[] Shape(Tensor t) => t.shape;

    private static Tensor Rows(Tensor t, params long[] kept) => t.detach().index_select(0, tensor(kept));
    private static Tensor Columns(Tensor t, params long[] kept) => t.detach().index_select(1, tensor(kept));

    private static void Close(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.allclose(actual, rtol: 1e-4, atol: 1e-5), $"max difference {(expected - actual).abs().max().item<float>()}");
    }

    [Fact]
    public void ZeroFiltersOfASmallConvNetAreRemovedFromTheConvItsBatchNormAndTheNextConv()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var model = new SmallConvNet();
        RandomizeBatchNorms(model);
        ZeroFilter(model.conv1, model.bn1, 1);
        ZeroFilter(model.conv1, model.bn1, 3);
        model.eval();
        var x = randn(4, 2, 5, 5);
        var before = model.call(x).detach().clone();
        var conv1 = model.conv1.weight!.detach().clone();
        var conv2 = model.conv2.weight!.detach().clone();
        var bn1Mean = model.bn1.running_mean!.clone();

        var result = NetworkThinning.Thin(model, ThinningFunction.RemoveFilters, SmallConvNet.InputShape);

        Assert.Equal(2, result.ChannelsRemoved);
        Assert.Equal(new long[] { 2, 2, 3, 3 }, Shape(model.conv1.weight!));
        Assert.Equal(new long[] { 2 }, Shape(model.conv1.bias!));
        Assert.Equal(new long[] { 2 }, Shape(model.bn1.weight!));
        Assert.Equal(new long[] { 2 }, Shape(model.bn1.bias!));
        Assert.Equal(new long[] { 2 }, Shape(model.bn1.running_var!));
        Assert.Equal(new long[] { 6, 2, 3, 3 }, Shape(model.conv2.weight!));
        Assert.Equal((2L, 2L, 2L), (model.conv1.out_channels, model.conv2.in_channels, model.bn1.num_features));
        // Dense: conv1 4·2·9 + 4 = 76, bn1 8, conv2 6·4·9 = 216, bn2 12, fc 3·150 + 3 = 453 → 765.
        // Thin:  conv1 2·2·9 + 2 = 38, bn1 4, conv2 6·2·9 = 108, bn2 12, fc 453 → 615.
        Assert.Equal(615, ParameterCount(model));
        Assert.True(TestModels.Same(Rows(conv1, 0, 2), model.conv1.weight!));
        Assert.True(TestModels.Same(Columns(conv2, 0, 2), model.conv2.weight!));
        Assert.True(TestModels.Same(Rows(bn1Mean, 0, 2), model.bn1.running_mean!));
        Close(before, model.call(x));
    }

    [Fact]
    public void ZeroFiltersBeforeAFlattenRemoveTheLinearLayersColumns()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var model = new SmallConvNet();
        RandomizeBatchNorms(model);
        ZeroFilter(model.conv2, model.bn2, 2);
        ZeroFilter(model.conv2, model.bn2, 5);
        model.eval();
        var x = randn(3, 2, 5, 5);
        var before = model.call(x).detach().clone();
        var fc = model.fc.weight!.detach().clone();

        NetworkThinning.Thin(model, ThinningFunction.RemoveFilters, SmallConvNet.InputShape);

        Assert.Equal(new long[] { 4, 4, 3, 3 }, Shape(model.conv2.weight!));
        Assert.Equal(new long[] { 4 }, Shape(model.bn2.running_mean!));
        // Flattened [6, 5, 5]: channel c is features 25c … 25c + 24; channels 2 and 5 go.
        var kept = Enumerable.Range(0, 150).Where(f => f / 25 is not (2 or 5)).Select(f => (long)f).ToArray();
        Assert.Equal(new long[] { 3, 100 }, Shape(model.fc.weight!));
        Assert.Equal(100, model.fc.in_features);
        Assert.True(TestModels.Same(Columns(fc, kept), model.fc.weight!));
        Close(before, model.call(x));
    }

    [Fact]
    public void ZeroInputChannelsAreRemovedWithTheFiltersThatFeedThemAndOutputsDoNotChange()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var model = new SmallConvNet();
        RandomizeBatchNorms(model); // β ≠ 0: the channel is not zero, but nothing reads it
        using (no_grad())
            model.conv2.weight!.select(1, 1).zero_();
        model.eval();
        var x = randn(4, 2, 5, 5);
        var before = model.call(x).detach().clone();

        var result = NetworkThinning.Thin(model, ThinningFunction.RemoveChannels, SmallConvNet.InputShape);

        Assert.Equal(1, result.ChannelsRemoved);
        Assert.Equal(new long[] { 3, 2, 3, 3 }, Shape(model.conv1.weight!));
        Assert.Equal(new long[] { 3 }, Shape(model.conv1.bias!));
        Assert.Equal(new long[] { 3 }, Shape(model.bn1.weight!));
        Assert.Equal(new long[] { 6, 3, 3, 3 }, Shape(model.conv2.weight!));
        // 765 − (2·9 + 1) − 2 − 6·9 = 690.
        Assert.Equal(690, ParameterCount(model));
        Close(before, model.call(x));
    }

    [Fact]
    public void TheInnerConvolutionOfAResidualBlockThinsLikeAPlainConvNet()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var model = new TinyResNet();
        RandomizeBatchNorms(model);
        ZeroFilter(model.Block1.conv1, model.Block1.bn1, 2);
        model.eval();
        var x = randn(2, 1, 8, 8);
        var before = model.call(x).detach().clone();

        NetworkThinning.Thin(model, ThinningFunction.RemoveFilters, TinyResNet.InputShape);

        Assert.Equal(new long[] { 3, 4, 3, 3 }, Shape(model.Block1.conv1.weight!));
        Assert.Equal(new long[] { 3 }, Shape(model.Block1.bn1.weight!));
        Assert.Equal(new long[] { 4, 3, 3, 3 }, Shape(model.Block1.conv2.weight!));
        Assert.Equal(new long[] { 4, 1, 3, 3 }, Shape(model.conv1.weight!)); // the residual path is untouched
        // 1319 dense (see TheResidualPath…) − filter 4·9 − bn1 2 − block1.conv2's input channel 4·9 = 1245.
        Assert.Equal(1245, ParameterCount(model));
        Close(before, model.call(x));
    }

    [Fact]
    public void AFilterAddedToTheResidualStaysWhileTheOtherPathStillWritesItsChannel()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var model = new TinyResNet();
        RandomizeBatchNorms(model);
        ZeroFilter(model.Block1.conv2, model.Block1.bn2, 1); // the identity shortcut still carries the stem's channel 1

        var result = NetworkThinning.Thin(model, ThinningFunction.RemoveFilters, TinyResNet.InputShape);

        Assert.Equal(0, result.ChannelsRemoved);
        Assert.Equal(1319, ParameterCount(model));
        Assert.Equal(new long[] { 4, 4, 3, 3 }, Shape(model.Block1.conv2.weight!));
    }

    [Fact]
    public void TheResidualPathIsThinnedWhenEveryFilterThatWritesTheChannelIsZero()
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        var model = new TinyResNet();
        RandomizeBatchNorms(model);
        // Dense: stem 36 + 8; block1 144 + 8 + 144 + 8; block2 288 + 16 + 576 + 16 + downsample 32 + 16; fc 27 → 1319.
        Assert.Equal(1319, ParameterCount(model));
        ZeroFilter(model.conv1, model.bn1, 1);
        ZeroFilter(model.Block1.conv2, model.Block1.bn2, 1);
        model.eval();
        var x = randn(2, 1, 8, 8);
        var before = model.call(x).detach().clone();
        var downsample = ((TorchSharp.Modules.Conv2d)model.Block2.downsample![0]).weight!.detach().clone();

        var result = NetworkThinning.Thin(model, ThinningFunction.RemoveFilters, TinyResNet.InputShape);

        Assert.Equal(1, result.ChannelsRemoved);
        Assert.Equal(new long[] { 3, 1, 3, 3 }, Shape(model.conv1.weight!));
        Assert.Equal(new long[] { 3 }, Shape(model.bn1.running_var!));
        Assert.Equal(new long[] { 4, 3, 3, 3 }, Shape(model.Block1.conv1.weight!));
        Assert.Equal(new long[] { 3, 4, 3, 3 }, Shape(model.Block1.conv2.weight!));
        Assert.Equal(new long[] { 3 }, Shape(model.Block1.bn2.bias!));
        Assert.Equal(new long[] { 8, 3, 3, 3 }, Shape(model.Block2.conv1.weight!));
        var thinDownsample = ((TorchSharp.Modules.Conv2d)model.Block2.downsample![0]).weight!;
        Assert.Equal(new long[] { 8, 3, 1, 1 }, Shape(thinDownsample));
        Assert.True(TestModels.Same(Columns(downsample, 0, 2, 3), thinDownsample));
        // Removed: stem filter 9 + bn1 2 + block1.conv1 inputs 4·9 + block1.conv2 filter 4·9 + bn2 2 + block2.conv1 inputs 8·9
        // + downsample inputs 8 = 165 → 1154.
        Assert.Equal(1154, ParameterCount(model));
        Close(before, model.call(x));
    }

    [Fact]
    public void TheLastStagesChannelLeavesTheClassifierWhenConv2AndDownsampleAreZero()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        var model = new TinyResNet();
        RandomizeBatchNorms(model);
        ZeroFilter(model.Block2.conv2, model.Block2.bn2, 5);
        ZeroFilter((TorchSharp.Modules.Conv2d)model.Block2.downsample![0], (TorchSharp.Modules.BatchNorm2d)model.Block2.downsample[1], 5);
        model.eval();
        var x = randn(2, 1, 8, 8);
        var before = model.call(x).detach().clone();

        NetworkThinning.Thin(model, ThinningFunction.RemoveFilters, TinyResNet.InputShape);

        Assert.Equal(new long[] { 7, 8, 3, 3 }, Shape(model.Block2.conv2.weight!));
        Assert.Equal(new long[] { 7, 4, 1, 1 }, Shape(((TorchSharp.Modules.Conv2d)model.Block2.downsample[0]).weight!));
        Assert.Equal(new long[] { 3, 7 }, Shape(model.fc.weight!));
        Assert.Equal(7, model.fc.in_features);
        Close(before, model.call(x));
    }

    [Fact]
    public void ThinnedAndMaskedModelsHaveTheSameGradients()
    {
        using var scope = NewDisposeScope();
        manual_seed(8);
        var dense = new SmallConvNet();
        RandomizeBatchNorms(dense);
        ZeroFilter(dense.conv1, dense.bn1, 0);
        var thin = new SmallConvNet();
        thin.load_state_dict(dense.state_dict());
        NetworkThinning.Thin(thin, ThinningFunction.RemoveFilters, SmallConvNet.InputShape);
        dense.train();
        thin.train(); // batch statistics: the zero channel normalises to 0 and the shift is 0

        var x = randn(4, 2, 5, 5);
        var denseOut = dense.call(x);
        var thinOut = thin.call(x);
        Close(denseOut.detach(), thinOut.detach());
        denseOut.square().sum().backward();
        thinOut.square().sum().backward();

        Close(Rows(dense.conv1.weight!.grad!, 1, 2, 3), thin.conv1.weight!.grad!);
        Close(Rows(dense.bn1.weight!.grad!, 1, 2, 3), thin.bn1.weight!.grad!);
        Close(Columns(dense.conv2.weight!.grad!, 1, 2, 3), thin.conv2.weight!.grad!);
        Close(dense.fc.weight!.grad!, thin.fc.weight!.grad!);
    }

    [Fact]
    public void AModelWithNothingZeroIsLeftAlone()
    {
        using var scope = NewDisposeScope();
        manual_seed(9);
        var model = new TinyResNet();
        var result = NetworkThinning.Thin(model, ThinningFunction.RemoveFilters, TinyResNet.InputShape);
        Assert.Equal(0, result.ChannelsRemoved);
        Assert.Empty(result.Removed);
        Assert.Equal(1319, ParameterCount(model));
    }

    [Fact]
    public void ALayerIsNeverLeftWithoutChannels()
    {
        using var scope = NewDisposeScope();
        var model = new SmallConvNet();
        for (long k = 0; k < 4; k++)
            ZeroFilter(model.conv1, model.bn1, k);
        var result = NetworkThinning.Thin(model, ThinningFunction.RemoveFilters, SmallConvNet.InputShape);
        Assert.Equal(3, result.ChannelsRemoved);
        Assert.Equal(new long[] { 1, 2, 3, 3 }, Shape(model.conv1.weight!));
        Assert.Contains("would leave 'conv1.weight' with no entries along dimension 0", Assert.Single(result.Kept));
    }
}
