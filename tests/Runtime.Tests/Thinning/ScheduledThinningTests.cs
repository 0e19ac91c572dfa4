using Distiller.Typed.Masks;
using Distiller.Typed.Scheduling;
using Distiller.Typed.Thinning;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static Distiller.Typed.Tests.Thinning.ThinningSetup;

namespace Distiller.Typed.Tests.Thinning;

/// <summary>Thinning in the middle of training: the optimizer's momentum buffers and the masks shrink with the parameters, and training goes on.</summary>
public class ScheduledThinningTests
{
    private static SGD.State Momentum(optim.Optimizer optimizer, Parameter parameter)
    {
        var parameters = optimizer.parameters().ToList();
        return (SGD.State)((OptimizerHelper)optimizer).state_dict().State[parameters.FindIndex(p => p.Handle == parameter.Handle)];
    }

    private static void Step(TinyResNet model, optim.Optimizer optimizer, Tensor x, MaskDictionary masks)
    {
        optimizer.zero_grad();
        model.call(x).square().mean().backward();
        optimizer.step();
        using var noGrad = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
            masks[name].ApplyMask(parameter);
    }

    private static void Close(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.allclose(actual, rtol: 1e-4, atol: 1e-6), $"max difference {(expected - actual).abs().max().item<float>()}");
    }

    [Fact]
    public void MomentumBuffersAndMasksShrinkWithTheirParametersAndTrainingContinuesAsOnTheMaskedModel()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        // Two copies of one model: the masked one keeps training dense, the other is thinned after one step. Block 1's
        // conv2 reads nothing from channel 2 (its mask zeroes those weights), so remove_channels removes channel 2 from
        // conv1, bn1 and conv2, and the thin model's kept weights must follow the masked model's exactly.
        var masked = new TinyResNet();
        RandomizeBatchNorms(masked);
        var thin = new TinyResNet();
        thin.load_state_dict(masked.state_dict());
        var maskedMasks = MaskDictionary.For(masked);
        var thinMasks = MaskDictionary.For(thin);
        foreach (var masks in new[] { maskedMasks, thinMasks })
        {
            var mask = ones(4, 4, 3, 3);
            mask.select(1, 2).zero_();
            masks["layer1.0.conv2.weight"].Mask = mask;
        }
        var maskedOptimizer = optim.SGD(masked.parameters(), 0.05, momentum: 0.9);
        var thinOptimizer = optim.SGD(thin.parameters(), 0.05, momentum: 0.9);
        masked.train();
        thin.train();
        var x1 = randn(4, 1, 8, 8);
        using (no_grad())
        {
            maskedMasks["layer1.0.conv2.weight"].ApplyMask(masked.Block1.conv2.weight!);
            thinMasks["layer1.0.conv2.weight"].ApplyMask(thin.Block1.conv2.weight!);
        }
        Step(masked, maskedOptimizer, x1, maskedMasks);
        Step(thin, thinOptimizer, x1, thinMasks);

        var result = NetworkThinning.Thin(thin, ThinningFunction.RemoveChannels, TinyResNet.InputShape, thinOptimizer, thinMasks);

        Assert.Equal(1, result.ChannelsRemoved);
        long[] kept = { 0, 1, 3 };
        var conv1 = thin.Block1.conv1.weight!;
        var conv2 = thin.Block1.conv2.weight!;
        Assert.Equal(new long[] { 3, 4, 3, 3 }, conv1.shape);
        Assert.Equal(new long[] { 4, 3, 3, 3 }, conv2.shape);
        Assert.Equal(new long[] { 3, 4, 3, 3 }, Momentum(thinOptimizer, conv1).momentum_buffer.shape);
        Assert.Equal(new long[] { 4, 3, 3, 3 }, Momentum(thinOptimizer, conv2).momentum_buffer.shape);
        Assert.Equal(new long[] { 3 }, Momentum(thinOptimizer, thin.Block1.bn1.weight!).momentum_buffer.shape);
        Close(Momentum(maskedOptimizer, masked.Block1.conv1.weight!).momentum_buffer.index_select(0, tensor(kept)), Momentum(thinOptimizer, conv1).momentum_buffer);
        Close(Momentum(maskedOptimizer, masked.Block1.conv2.weight!).momentum_buffer.index_select(1, tensor(kept)), Momentum(thinOptimizer, conv2).momentum_buffer);
        Assert.Equal(new long[] { 4, 3, 3, 3 }, thinMasks["layer1.0.conv2.weight"].Mask!.shape);
        Assert.Equal(new long[] { 3, 4, 3, 3 }, conv1.grad!.shape);

        // Two more steps: the thin model's weights are the masked model's with channel 2 left out.
        for (int i = 0; i < 2; i++)
        {
            var x = randn(4, 1, 8, 8);
            Step(masked, maskedOptimizer, x, maskedMasks);
            Step(thin, thinOptimizer, x, thinMasks);
        }
        Close(masked.Block1.conv1.weight!.detach().index_select(0, tensor(kept)), conv1.detach());
        Close(masked.Block1.conv2.weight!.detach().index_select(1, tensor(kept)), conv2.detach());
        Close(masked.Block1.bn1.bias!.detach().index_select(0, tensor(kept)), thin.Block1.bn1.bias!.detach());
        Close(masked.fc.weight!.detach(), thin.fc.weight!.detach());
    }

    [Fact]
    public void AnOptimizerWhoseStateThinningCannotFollowIsRefusedBeforeAnythingChanges()
    {
        using var scope = NewDisposeScope();
        var model = new SmallConvNet();
        ZeroFilter(model.conv1, model.bn1, 0);
        var adam = optim.Adam(model.parameters());
        var e = Assert.Throws<ArgumentException>(() => NetworkThinning.Thin(model, ThinningFunction.RemoveFilters, SmallConvNet.InputShape, adam));
        Assert.Contains("SGD", e.Message);
        Assert.Contains("Adam", e.Message);
        Assert.Equal(new long[] { 4, 2, 3, 3 }, model.conv1.weight!.shape);
    }

    [Fact]
    public void AFilterRemoverPolicyThinsAtTheFirstMinibatchOfItsEpoch()
    {
        using var scope = NewDisposeScope();
        manual_seed(12);
        const string yaml = """
            version: 1
            extensions:
              net_thinner:
                class: FilterRemover
                thinning_func_str: remove_filters
                arch: tiny_resnet
                dataset: mnist
            policies:
              - extension:
                  instance_name: net_thinner
                epochs: [1]
            """;
        var model = new TinyResNet();
        ZeroFilter(model.Block1.conv1, model.Block1.bn1, 3);
        var optimizer = optim.SGD(model.parameters(), 0.1, momentum: 0.9);
        // mnist's dummy input is [1, 1, 28, 28]; the builder's input shape, when given, takes its place.
        using var scheduler = CompressionSchedulerLoader.FromYaml(model, optimizer, yaml, "thin.yaml");
        scheduler.OnEpochBegin(0);
        scheduler.OnMinibatchBegin(0, 0, 2);
        Assert.Equal(new long[] { 4, 4, 3, 3 }, model.Block1.conv1.weight!.shape);
        scheduler.OnEpochEnd(0);
        scheduler.OnEpochBegin(1);
        scheduler.OnMinibatchBegin(1, 0, 2);
        Assert.Equal(new long[] { 3, 4, 3, 3 }, model.Block1.conv1.weight!.shape);
        Assert.Equal(new long[] { 4, 3, 3, 3 }, model.Block1.conv2.weight!.shape);
        model.call(randn(2, 1, 8, 8)).sum().backward();
        optimizer.step();
        scheduler.OnMinibatchBegin(1, 1, 2); // once per epoch
        Assert.Equal(new long[] { 3, 4, 3, 3 }, model.Block1.conv1.weight!.shape);
    }
}
