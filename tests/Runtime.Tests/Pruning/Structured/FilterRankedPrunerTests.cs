using Distiller.Typed.Masks;
using Distiller.Typed.Pruning;
using TorchSharp;
using static Distiller.Typed.Tests.Pruning.Structured.PruningFixture;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Pruning.Structured;

public class FilterRankedPrunerTests
{
    private static nn.Module Model() => nn.Sequential(("a", nn.Conv2d(1, 4, 2)), ("wide", nn.Conv2d(1, 64, 1)));

    [Fact]
    public void Gradient_PrunesTheFiltersWithTheLowestWeightTimesGradient()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        using var masks = MaskDictionary.For(model);
        var pruner = new GradientRankedFilterPruner("g", "Filters", 0.5, ["a.weight"]);
        // No backward yet: nothing is pruned (Distiller skips too).
        Assert.Null(Prune(pruner, model, masks, "a.weight"));

        Set(model, "a.weight", Filters(1, 1, 1, 1));
        // loss = Σ w · c with c = 1, -1, 2, 0.5 per filter -> grad = c; importance = Σ w·grad = 4, -4, 8, 2.
        var c = tensor(Filters(1, -1, 2, 0.5f)).reshape(4, 1, 2, 2);
        Param(model, "a.weight").mul(c).sum().backward();
        // Prune floor(0.5 * 4) = 2 lowest: filters 1 (-4) and 3 (2).
        Assert.Equal(Filters(1, 0, 1, 0), Prune(pruner, model, masks, "a.weight"));
    }

    [Fact]
    public void Random_PrunesExactlyFloorOfSparsityTimesFiltersRepeatablyUnderASeed()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        using var masks = MaskDictionary.For(model);
        var pruner = new RandomRankedFilterPruner("r", "3D", 0.3, ["wide.weight"]);
        manual_seed(7);
        var first = Prune(pruner, model, masks, "wide.weight")!;
        manual_seed(7);
        var second = Prune(pruner, model, masks, "wide.weight")!;
        // floor(0.3 * 64) = 19 filters of one element each.
        Assert.Equal(19, first.Count(v => v == 0));
        Assert.Equal(first, second);
        manual_seed(8);
        Assert.NotEqual(first, Prune(pruner, model, masks, "wide.weight"));
    }

    [Fact]
    public void Bernoulli_DropsWholeFiltersAndRescalesTheSurvivors()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        using var masks = MaskDictionary.For(model);
        manual_seed(3);
        var mask = Prune(new BernoulliFilterPruner("b", "Filters", 0.5, ["wide.weight"]), model, masks, "wide.weight")!;
        int kept = mask.Count(v => v != 0);
        Assert.InRange(kept, 1, 63);
        // every survivor is scaled by F / kept, so the mask's mean is exactly 1
        Assert.All(mask.Where(v => v != 0), v => Assert.Equal(64f / kept, v, 5));
        Assert.Equal(1.0, mask.Average(v => (double)v), 5);
        Assert.Equal("BernoulliFilterPruner_AGP", BernoulliFilterPrunerAgp.ClassName);
    }

    [Fact]
    public void RandomLevel_DrawsTheLevelFromTheRange()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        using var masks = MaskDictionary.For(model);
        Set(model, "a.weight", Filters(1, 0.5f, 3, -0.25f));
        // A degenerate range [0.5, 0.5] is the L1 pruner at 0.5.
        Assert.Equal(Filters(1, 0, 1, 0),
            Prune(new RandomLevelStructureParameterPruner("rl", "Filters", [0.5, 0.5], ["a.weight"]), model, masks, "a.weight"));
        // [0.25, 0.74] on 64 one-element filters: between floor(0.25 * 64) and floor(0.74 * 64) filters each time.
        var pruner = new RandomLevelStructureParameterPruner("rl", "Filters", [0.25, 0.74], ["wide.weight"]);
        manual_seed(5);
        for (int i = 0; i < 5; i++)
        {
            Prune(pruner, model, masks, "wide.weight");
            long pruned = masks["wide.weight"].Mask!.logical_not().sum().item<long>();
            Assert.InRange(pruned, 16L, 47L); // floor(0.25 * 64) .. floor(0.74 * 64)
        }
        Assert.Throws<ArgumentException>(() => new RandomLevelStructureParameterPruner("rl", "Filters", [0.6, 0.5], ["a.weight"]));
    }
}
