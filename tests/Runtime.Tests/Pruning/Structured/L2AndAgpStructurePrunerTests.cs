using Distiller.Typed.Masks;
using Distiller.Typed.Pruning;
using TorchSharp;
using static Distiller.Typed.Tests.Pruning.Structured.PruningFixture;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Pruning.Structured;

public class L2AndAgpStructurePrunerTests
{
    [Fact]
    public void L2RanksDifferentlyFromL1()
    {
        using var scope = NewDisposeScope();
        var model = nn.Sequential(("a", nn.Conv2d(1, 2, 2)));
        using var masks = MaskDictionary.For(model);
        // Filter 0 = [1,1,1,1]: L1 4, L2 2. Filter 1 = [3,0,0,0]: L1 3, L2 3.
        Set(model, "a.weight", [1, 1, 1, 1, 3, 0, 0, 0]);
        // L1 prunes filter 1 (3 < 4); L2 prunes filter 0 (2 < 3).
        Assert.Equal(new float[] { 1, 1, 1, 1, 0, 0, 0, 0 },
            Prune(new L1RankedStructureParameterPruner("l1", "Filters", 0.5, ["a.weight"]), model, masks, "a.weight"));
        Assert.Equal(new float[] { 0, 0, 0, 0, 1, 1, 1, 1 },
            Prune(new L2RankedStructureParameterPruner("l2", "Filters", 0.5, ["a.weight"]), model, masks, "a.weight"));
    }

    [Fact]
    public void NumStructsToPrune_FloorsToWholeGroups()
    {
        Assert.Equal(2, StructureRanking.NumStructsToPrune(4, 1, 0.5));
        Assert.Equal(3, StructureRanking.NumStructsToPrune(4, 1, 0.99));   // floor(3.96)
        Assert.Equal(2, StructureRanking.NumStructsToPrune(4, 2, 0.75));   // floor(3) = 3 -> floor(3/2)*2 = 2
        Assert.Equal(4, StructureRanking.NumStructsToPrune(4, 1, 1.0));    // all, only because s = 1
        Assert.Equal(1, StructureRanking.NumStructsToPrune(16, 1, 0.1));   // floor(1.6)
    }

    [Fact]
    public void GroupSize_PrunesAdjacentFiltersTogether()
    {
        using var scope = NewDisposeScope();
        var model = nn.Sequential(("a", nn.Conv2d(1, 4, 2)));
        using var masks = MaskDictionary.For(model);
        // Filter means 1, 0.5, 3, 0.25; pairs (0,1) mean 0.75, (2,3) mean 1.625. s = 0.5 -> 2 filters = 1 pair: (0,1).
        Set(model, "a.weight", Filters(1, 0.5f, 3, -0.25f));
        Assert.Equal(Filters(0, 0, 1, 1),
            Prune(new L1RankedStructureParameterPruner("p", "Filters", 0.5, ["a.weight"], groupSize: 2), model, masks, "a.weight"));
    }

    [Fact]
    public void L1Agp_FollowsTheCubicScheduleOn16Filters()
    {
        using var scope = NewDisposeScope();
        var model = nn.Sequential(("conv", nn.Conv2d(1, 16, 1, bias: false)));
        using var masks = MaskDictionary.For(model);
        // Filter f has the single weight f + 1, so the L1 ranking is the index order.
        Set(model, "conv.weight", Enumerable.Range(1, 16).Select(v => (float)v).ToArray());
        var agp = new L1RankedStructureParameterPrunerAgp("agp", 0.05, 0.91, "Filters", ["conv.weight"]);
        Assert.Equal("L1RankedStructureParameterPruner_AGP", L1RankedStructureParameterPrunerAgp.ClassName);
        // AGP from 0.05 to 0.91, starting_epoch 0, ending_epoch 18, frequency 2: span = (17 // 2) * 2 = 16, pruning at
        // epochs 0, 2, ..., 16 with target = 0.91 - 0.86 * (1 - epoch / 16)^3:
        // targets 0.05, 0.333867, 0.547188, 0.700039, 0.8025, 0.864648, 0.896563, 0.90832, 0.91;
        // pruned filters = floor(target * 16) = 0, 5, 8, 11, 12, 13, 14, 14, 14.
        var expectedPruned = new[] { 0, 5, 8, 11, 12, 13, 14, 14, 14 };
        var expectedTargets = new[] { 0.05, 0.333867, 0.547188, 0.700039, 0.8025, 0.864648, 0.896563, 0.90832, 0.91 };
        for (int i = 0; i < expectedPruned.Length; i++)
        {
            var meta = Meta(model, epoch: 2 * i, start: 0, end: 18, frequency: 2);
            Assert.Equal(expectedTargets[i], agp.TargetSparsity(meta), 1e-6);
            var mask = Prune(agp, model, masks, "conv.weight", meta);
            int pruned = mask is null ? 0 : mask.Count(v => v == 0);
            Assert.Equal(expectedPruned[i], pruned);
            if (mask is not null)
                Assert.All(mask.Take(pruned), v => Assert.Equal(0f, v)); // the smallest filters go first
        }
    }

    [Fact]
    public void L2Agp_ChannelsWithLeader()
    {
        using var scope = NewDisposeScope();
        var model = nn.Sequential(("a", nn.Conv2d(4, 1, 1, bias: false)), ("b", nn.Conv2d(4, 1, 1, bias: false)));
        using var masks = MaskDictionary.For(model);
        Set(model, "a.weight", [4, 3, 2, 1]);
        Set(model, "b.weight", [1, 2, 3, 4]);
        var agp = new L2RankedStructureParameterPrunerAgp("agp", 0.25, 0.75, "Channels", ["a.weight", "b.weight"], groupDependency: "Leader");
        // Epoch 0 of 0..4 every 1 (span 3): target 0.25 -> 1 channel; the leader's smallest channel is 3.
        Assert.Equal(new float[] { 1, 1, 1, 0 }, Prune(agp, model, masks, "b.weight", Meta(model, 0, 0, 4, 1)));
        // Epoch 3: target 0.75 -> 3 channels; leader keeps channel 0 only.
        Assert.Equal(new float[] { 1, 0, 0, 0 }, Prune(agp, model, masks, "b.weight", Meta(model, 3, 0, 4, 1)));
    }

    [Fact]
    public void AgpArgumentsAreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new L1RankedStructureParameterPrunerAgp("agp", 0.5, 0.5, "Filters", ["a.weight"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new L1RankedStructureParameterPrunerAgp("agp", 0.5, 1.5, "Filters", ["a.weight"]));
        var group = Assert.Throws<ArgumentException>(() => new ActivationAPoZRankedFilterPrunerAgp("agp", 0.1, 0.5, "Channels", ["a.weight"]));
        Assert.Contains("valid group types are '3D', 'Filters'", group.Message);
    }
}

public class StructuredMaskDtypeTests
{
    [Fact]
    public void MaskHasTheParametersDtypeAndDevice()
    {
        using var scope = NewDisposeScope();
        var model = nn.Sequential(("a", nn.Conv2d(1, 4, 2)));
        model.to(ScalarType.Float64);
        using var masks = MaskDictionary.For(model);
        var p = Param(model, "a.weight");
        new L1RankedStructureParameterPruner("p", "Filters", 0.5, ["a.weight"]).SetParameterMask(p, "a.weight", masks, Meta(model));
        Assert.Equal(ScalarType.Float64, masks["a.weight"].Mask!.dtype);
        Assert.Equal(p.device.ToString(), masks["a.weight"].Mask!.device.ToString());
        Assert.Equal(8L, masks["a.weight"].Mask!.logical_not().sum().item<long>()); // 2 filters x 4 elements
    }

    [Fact]
    public void NoiseMustBeAProbability()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new L1RankedStructureParameterPruner("p", "Filters", 0.5, ["a.weight"], noise: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new L1RankedStructureParameterPruner("p", "Filters", 0.5, ["a.weight"], groupSize: 0));
    }
}
