using Distiller.Typed.Masks;
using Distiller.Typed.Pruning;
using TorchSharp;
using static Distiller.Typed.Tests.Pruning.Structured.PruningFixture;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Pruning.Structured;

public class ResidualLeaderTrainingTests
{
    [Fact]
    public void AgpWithLeaderKeepsTheAddedConvolutionsFiltersAlignedThroughTraining()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var a = nn.Conv2d(2, 4, 1);
        var b = nn.Conv2d(2, 4, 1);
        var model = nn.Sequential(("a", a), ("b", b));
        using var masks = MaskDictionary.For(model);
        var pruner = new L1RankedStructureParameterPrunerAgp("res", 0.25, 0.5, "Filters", ["a.weight", "b.weight"], groupDependency: "Leader");
        var sgd = optim.SGD(model.parameters(), 0.05);
        var x = randn(8, 2, 3, 3);
        var target = randn(8, 4, 3, 3);
        // starting_epoch 0, ending_epoch 3, frequency 1: span 2; targets 0.25, 0.46875, 0.5 -> floor(t * 4) = 1, 1, 2 filters.
        var expected = new[] { 1, 1, 2 };
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var meta = Meta(model, epoch, 0, 3, 1);
            foreach (var name in new[] { "b.weight", "a.weight" })
            {
                pruner.SetParameterMask(Param(model, name), name, masks, meta);
                masks[name].ApplyMask(Param(model, name));
            }
            for (int step = 0; step < 3; step++)
            {
                using var stepScope = NewDisposeScope();
                sgd.zero_grad();
                nn.functional.mse_loss(a.call(x) + b.call(x), target).backward();
                sgd.step();
                foreach (var name in new[] { "a.weight", "b.weight" })
                    masks[name].ApplyMask(Param(model, name));
            }
            var zeroA = FilterMap(Param(model, "a.weight").detach().data<float>().ToArray(), 4);
            var zeroB = FilterMap(Param(model, "b.weight").detach().data<float>().ToArray(), 4);
            Assert.Equal(zeroA, zeroB);
            Assert.Equal(expected[epoch], zeroA.Count(v => v == 0));
        }
    }
}
