using Distiller.Typed.Masks;
using Distiller.Typed.Pruning;
using Distiller.Typed.Thresholding;
using TorchSharp;
using static Distiller.Typed.Tests.Pruning.Structured.PruningFixture;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Pruning.Structured;

public class L1RankedStructureParameterPrunerTests
{
    private static nn.Module Model() => nn.Sequential(
        ("a", nn.Conv2d(1, 4, 2)),      // a.weight (4, 1, 2, 2)
        ("b", nn.Conv2d(1, 4, 2)),      // b.weight (4, 1, 2, 2)
        ("c", nn.Conv2d(2, 3, 2)),      // c.weight (3, 2, 2, 2)
        ("fc", nn.Linear(3, 4)),        // fc.weight (4, 3)
        ("d", nn.Conv2d(2, 4, 1)),      // d.weight (4, 2, 1, 1)
        ("e", nn.Conv2d(1, 2, 2)));     // e.weight (2, 1, 2, 2)

    [Fact]
    public void Filters_HalfSparsityPrunesExactlyTheTwoSmallestFilters()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        using var masks = MaskDictionary.For(model);
        // Filter L1 norms 4, 2, 12, 1 (means 1, 0.5, 3, 0.25). n = floor(0.5 * 4) = 2; 2nd smallest mean 0.5;
        // keep mean > 0.5 -> filters 0 and 2.
        Set(model, "a.weight", Filters(1, 0.5f, 3, -0.25f));
        var pruner = new L1RankedStructureParameterPruner("p", "Filters", 0.5, ["a.weight"]);
        var mask = Prune(pruner, model, masks, "a.weight")!;
        Assert.Equal(Filters(1, 0, 1, 0), mask);
        Assert.Equal(new float[] { 1, 0, 1, 0 }, FilterMap(mask, 4));
    }

    [Fact]
    public void Filters_ThreeDIsTheSameGroupType()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        using var masks = MaskDictionary.For(model);
        Set(model, "a.weight", Filters(1, 0.5f, 3, -0.25f));
        // n = floor(0.25 * 4) = 1: only filter 3 (mean 0.25).
        Assert.Equal(Filters(1, 1, 1, 0), Prune(new L1RankedStructureParameterPruner("p", "3D", 0.25, ["a.weight"]), model, masks, "a.weight"));
    }

    [Fact]
    public void Filters_TooLowAFractionLeavesTheMaskUnset()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        using var masks = MaskDictionary.For(model);
        // floor(0.2 * 4) = 0 structures: nothing to prune.
        Assert.Null(Prune(new L1RankedStructureParameterPruner("p", "Filters", 0.2, ["a.weight"]), model, masks, "a.weight"));
    }

    [Fact]
    public void Channels_DistillerTestChRanking()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        using var masks = MaskDictionary.For(model);
        // tests/test_ranking.py test_ch_ranking: (3, 2, 2, 2) = 11..14,15..18 / 21..24,25..28 / 31..34,35..38.
        // Channel 0 L1 mean = (50 + 90 + 130) / 12 = 22.5, channel 1 = (66 + 106 + 146) / 12 = 26.5; prune 0.5 -> [0, 1].
        Set(model, "c.weight", [11, 12, 13, 14, 15, 16, 17, 18, 21, 22, 23, 24, 25, 26, 27, 28, 31, 32, 33, 34, 35, 36, 37, 38]);
        var mask = Prune(new L1RankedStructureParameterPruner("p", "Channels", 0.5, ["c.weight"]), model, masks, "c.weight")!;
        var expected = Enumerable.Range(0, 3).SelectMany(_ => new float[] { 0, 0, 0, 0, 1, 1, 1, 1 }).ToArray();
        Assert.Equal(expected, mask);
    }

    [Fact]
    public void Channels_DistillerTestRankedChannelPruning_TenPercentOf16IsOneChannel()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var model = nn.Sequential(("conv1", nn.Conv2d(16, 16, 3)));
        using var masks = MaskDictionary.For(model);
        Prune(new L1RankedStructureParameterPruner("channel_pruner", "Channels", 0.1, ["conv1.weight"]), model, masks, "conv1.weight");
        // expected_pruning = int(0.1 * 16) / 16 = 1/16 of the channels
        var mask = masks["conv1.weight"].Mask!;
        var zeroChannels = mask.abs().sum([0, 2, 3]).logical_not().sum().item<long>();
        Assert.Equal(1L, zeroChannels);
        Assert.Equal(16 * 9L, mask.logical_not().sum().item<long>());
    }

    [Fact]
    public void Rows_PrunesRowsOfALinearWeight_ChannelsPrunesItsColumns()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        using var masks = MaskDictionary.For(model);
        // fc.weight rows [1,1,1] [5,5,5] [2,2,2] [0.1,0.1,0.1]: row means 1, 5, 2, 0.1 -> prune 0.5 keeps rows 1, 2.
        Set(model, "fc.weight", [1, 1, 1, 5, 5, 5, 2, 2, 2, 0.1f, 0.1f, 0.1f]);
        Assert.Equal(new float[] { 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0 },
            Prune(new L1RankedStructureParameterPruner("rows", "Rows", 0.5, ["fc.weight"]), model, masks, "fc.weight"));
        // Columns of the same weight all have mean (1+5+2+0.1)/4 = 2.025 except none differ -> use a column-distinct weight.
        // Columns [1,0,0,0] [2,2,2,2] [3,3,3,3]: means 0.25, 2, 3 -> prune floor(0.34*3)=1 column: column 0.
        Set(model, "fc.weight", [1, 2, 3, 0, 2, 3, 0, 2, 3, 0, 2, 3]);
        Assert.Equal(new float[] { 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1 },
            Prune(new L1RankedStructureParameterPruner("cols", "Channels", 0.34, ["fc.weight"]), model, masks, "fc.weight"));
    }

    [Fact]
    public void Blocks_DepthBlocksAndRepetitionBlocks()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        using var masks = MaskDictionary.For(model);
        // d.weight (4, 2, 1, 1): f0 [1,2], f1 [4,8], f2 [0.5,1], f3 [3,6].
        Set(model, "d.weight", [1, 2, 4, 8, 0.5f, 1, 3, 6]);
        // block_shape [1,2,1,1]: one block per filter, L1 3, 12, 1.5, 9; k = int(0.5*4) = 2, threshold 3 -> keep f1, f3.
        var depth = new L1RankedStructureParameterPruner("blk", "Blocks", 0.5, ["d.weight"], blockShape: new BlockShape(1, 2, 1, 1));
        Assert.Equal(new float[] { 0, 0, 1, 1, 0, 0, 1, 1 }, Prune(depth, model, masks, "d.weight"));
        // block_shape [2,1,1,1]: blocks (f0,f1)@c0 = 5, (f0,f1)@c1 = 10, (f2,f3)@c0 = 3.5, (f2,f3)@c1 = 7;
        // k = 2, threshold 5 -> keep channel 1 of every filter.
        var reps = new L1RankedStructureParameterPruner("blk", "Blocks", 0.5, ["d.weight"], blockShape: BlockShape.FromList([2, 1, 1, 1]));
        Assert.Equal(new float[] { 0, 1, 0, 1, 0, 1, 0, 1 }, Prune(reps, model, masks, "d.weight"));
    }

    [Fact]
    public void Blocks_ThatDoNotTileTheWeightNameIt()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        using var masks = MaskDictionary.For(model);
        var pruner = new L1RankedStructureParameterPruner("blk", "Blocks", 0.5, ["c.weight"], blockShape: new BlockShape(2, 1, 1, 1));
        var ex = Assert.Throws<ArgumentException>(() => Prune(pruner, model, masks, "c.weight"));
        Assert.Contains("'c.weight'", ex.Message);
        Assert.Contains("(3, 2, 2, 2)", ex.Message);
        Assert.Throws<ArgumentException>(() => new L1RankedStructureParameterPruner("blk", "Blocks", 0.5, ["c.weight"]));
    }

    [Fact]
    public void LeaderDependency_FollowersTakeTheLeadersFilters()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        using var masks = MaskDictionary.For(model);
        // Leader a: means 1, 0.5, 3, 0.25 -> keeps [1,0,1,0]. Follower b alone would keep [0,1,0,1] (means 0.1, 2, 0.2, 3).
        Set(model, "a.weight", Filters(1, 0.5f, 3, -0.25f));
        Set(model, "b.weight", Filters(0.1f, 2, 0.2f, 3));
        var alone = new L1RankedStructureParameterPruner("p", "Filters", 0.5, ["b.weight"]);
        Assert.Equal(Filters(0, 1, 0, 1), Prune(alone, model, masks, "b.weight"));

        var led = new L1RankedStructureParameterPruner("p", "Filters", 0.5, ["a.weight", "b.weight"], groupDependency: "Leader");
        // The follower is pruned first: the leader's map is computed from the model regardless of call order.
        Assert.Equal(Filters(1, 0, 1, 0), Prune(led, model, masks, "b.weight"));
        Assert.Equal(Filters(1, 0, 1, 0), Prune(led, model, masks, "a.weight"));
    }

    [Fact]
    public void LeaderDependency_FollowerWithOtherFilterCountIsRejected()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        using var masks = MaskDictionary.For(model);
        var led = new L1RankedStructureParameterPruner("p", "Filters", 0.5, ["a.weight", "e.weight"], groupDependency: "Leader");
        var ex = Assert.Throws<ArgumentException>(() => Prune(led, model, masks, "e.weight"));
        Assert.Contains("'e.weight'", ex.Message);
        Assert.Contains("leader 'a.weight' has 4", ex.Message);
        Assert.Contains(led.FindProblems(model), p => p.Contains("'e.weight' has 2 structures"));
    }

    [Fact]
    public void UnlistedParametersAreIgnored()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        using var masks = MaskDictionary.For(model);
        Assert.Null(Prune(new L1RankedStructureParameterPruner("p", "Filters", 0.5, ["a.weight"]), model, masks, "b.weight"));
    }

    [Fact]
    public void ConstructorAndShapeErrorsAreClear()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        using var masks = MaskDictionary.For(model);
        var unknown = Assert.Throws<ArgumentException>(() => new L1RankedStructureParameterPruner("p", "2D", 0.5, ["a.weight"]));
        Assert.Contains("valid group types are 'Rows', '3D', 'Filters', 'Channels', 'Blocks'", unknown.Message);
        var dependency = Assert.Throws<ArgumentException>(() => new L1RankedStructureParameterPruner("p", "Filters", 0.5, ["a.weight"], groupDependency: "Follower"));
        Assert.Contains("'Leader'", dependency.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new L1RankedStructureParameterPruner("p", "Filters", 1.5, ["a.weight"]));
        Assert.Throws<ArgumentException>(() => new L1RankedStructureParameterPruner("p", "Filters", 0.5, []));

        var channels = new L1RankedStructureParameterPruner("p", "Channels", 0.5, ["a.bias", "fc.weight", "missing.weight"]);
        var bias = Assert.Throws<ArgumentException>(() => Prune(channels, model, masks, "a.bias"));
        Assert.Contains("'a.bias'", bias.Message);
        Assert.Contains("(4)", bias.Message);
        // FindProblems lists every problem at once.
        var problems = channels.FindProblems(model);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("'a.bias'"));
        Assert.Contains(problems, p => p.Contains("'missing.weight'"));
    }
}
