using Distiller.Typed.Masks;
using Distiller.Typed.Pruning;
using TorchSharp;
using static Distiller.Typed.Tests.Pruning.Structured.PruningFixture;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Pruning.Structured;

public class ActivationRankedFilterPrunerTests
{
    // conv: 1 input channel, 3 filters of one weight each (1, -1, 0.1), so output channel f = w_f · x.
    private static nn.Module Model()
    {
        var model = nn.Sequential(("conv", nn.Conv2d(1, 3, 1, bias: false)), ("relu", nn.ReLU()));
        Set(model, "conv.weight", [1, -1, 0.1f]);
        return model;
    }

    // x = [1, 2, 3, -4] (one sample, 2x2):
    // relu(f0) = [1, 2, 3, 0]       APoZ 100·(1 − 3/4) = 25, mean 6/4 = 1.5
    // relu(f1) = [0, 0, 0, 4]       APoZ 75,                 mean 1.0
    // relu(f2) = [.1, .2, .3, 0]    APoZ 25,                 mean 0.15
    private static Tensor X() => tensor(new float[] { 1, 2, 3, -4 }).reshape(1, 1, 2, 2);

    private static float[] Values(Tensor t) => t.data<float>().ToArray().Select(v => MathF.Round(v, 4)).ToArray();

    [Fact]
    public void APoZ_GatheredByForwardHooksPrunesTheMostOftenZeroFilter()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        using var masks = MaskDictionary.For(model);
        var pruner = new ActivationAPoZRankedFilterPruner("apoz", "Filters", 0.34, ["conv.weight"]);
        using (pruner.Observe((nn.Module)model))
            ((nn.Module<Tensor, Tensor>)model).call(X());
        Assert.Equal(new float[] { 25, 75, 25 }, Values(pruner.Statistics.Value("conv.weight")!));
        // floor(0.34 * 3) = 1 filter: the highest APoZ, filter 1.
        Assert.Equal(new float[] { 1, 0, 1 }, Prune(pruner, model, masks, "conv.weight"));
    }

    [Fact]
    public void Mean_PrunesTheFilterWithTheLowestMeanActivation()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        using var masks = MaskDictionary.For(model);
        var pruner = new ActivationMeanRankedFilterPruner("mean", "Filters", 0.34, ["conv.weight"]);
        using (pruner.Observe(model))
            ((nn.Module<Tensor, Tensor>)model).call(X());
        Assert.Equal(new float[] { 1.5f, 1.0f, 0.15f }, Values(pruner.Statistics.Value("conv.weight")!));
        Assert.Equal(new float[] { 1, 1, 0 }, Prune(pruner, model, masks, "conv.weight"));
    }

    [Fact]
    public void StatisticsAverageOverBatchesAndStopWhenTheHooksAreRemoved()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        var pruner = new ActivationAPoZRankedFilterPrunerAgp("apoz", 0.1, 0.5, "Filters", ["conv.weight"]);
        var net = (nn.Module<Tensor, Tensor>)model;
        using (pruner.Observe(model))
        {
            net.call(X());
            // x2 = all -1: relu(f0) = 0 (APoZ 100), relu(f1) = 1 (APoZ 0), relu(f2) = 0 (APoZ 100).
            net.call(full(1, 1, 2, 2, -1f));
        }
        net.call(full(1, 1, 2, 2, -1f)); // not observed any more
        // equal element counts: (25 + 100) / 2 = 62.5, (75 + 0) / 2 = 37.5, 62.5
        Assert.Equal(new float[] { 62.5f, 37.5f, 62.5f }, Values(pruner.Statistics.Value("conv.weight")!));
    }

    [Fact]
    public void ActivationModulesCanPointAtTheReluAfterTheConvolution()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        var pruner = new ActivationMeanRankedFilterPruner("mean", "3D", 0.34, ["conv.weight"],
            activationModules: new Dictionary<string, string> { ["conv.weight"] = "relu" });
        using (pruner.Observe(model))
            ((nn.Module<Tensor, Tensor>)model).call(X());
        Assert.Equal(new float[] { 1.5f, 1.0f, 0.15f }, Values(pruner.Statistics.Value("conv.weight")!));
    }

    [Fact]
    public void RankingWithoutStatisticsSaysToObserve()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        using var masks = MaskDictionary.For(model);
        var pruner = new ActivationAPoZRankedFilterPruner("apoz", "Filters", 0.34, ["conv.weight"]);
        var ex = Assert.Throws<InvalidOperationException>(() => Prune(pruner, model, masks, "conv.weight"));
        Assert.Contains("Observe(model)", ex.Message);
        var missing = new ActivationAPoZRankedFilterPruner("apoz", "Filters", 0.34, ["conv.weight"],
            activationModules: new Dictionary<string, string> { ["conv.weight"] = "relu9" });
        Assert.Contains("'relu9'", Assert.Throws<ArgumentException>(() => missing.Observe(model)).Message);
    }
}

public class ActivationRankedFilterPrunerProblemsTests
{
    [Fact]
    public void FindProblemsListsMissingActivationModulesAndWeightsTogether()
    {
        using var scope = NewDisposeScope();
        var model = nn.Sequential(("conv", nn.Conv2d(1, 3, 1)), ("relu", nn.ReLU()));
        var pruner = new ActivationMeanRankedFilterPruner("mean", "Filters", 0.5, ["conv.weight", "conv2.weight"],
            activationModules: new Dictionary<string, string> { ["conv.weight"] = "relu1" });
        var problems = pruner.FindProblems(model);
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("no parameter named 'conv2.weight'"));
        Assert.Contains(problems, p => p.Contains("no module named 'relu1'"));
        Assert.Contains(problems, p => p.Contains("no module named 'conv2'"));
    }
}
