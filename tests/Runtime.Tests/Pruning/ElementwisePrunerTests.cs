using Distiller.Typed.Masks;
using Distiller.Typed.Pruning;
using Distiller.Typed.Thresholding;
using TorchSharp;
using static Distiller.Typed.Tests.TestModels;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Pruning;

public class MagnitudeParameterPrunerTests
{
    [Fact]
    public void PrunesAtTheDefaultThresholdAndTheMaskPrunesOtherTensors_DistillerTestMagnitudePruning()
    {
        // distiller tests/test_pruning.py::test_magnitude_pruning
        using var scope = NewDisposeScope();
        var a = ones(3, 64, 32, 32);
        a[1, 4, 17, 31] = tensor(0.2f);
        using var masks = new MaskDictionaryBuilder("a").Build();
        var pruner = new MagnitudeParameterPruner("test", new Dictionary<string, double> { ["*"] = 0.4 });
        pruner.SetParameterMask(a, "a", masks, Meta(0, 0, 1, 1));
        long volume = a.numel();
        Assert.Equal(1.0 / volume, ElementwiseThresholds.Sparsity(masks["a"].Mask!), 12);

        masks["a"].ApplyMask(a);
        Assert.Equal(1.0 / volume, ElementwiseThresholds.Sparsity(a), 12);

        // The mask was made already, so b (all 0.3 < 0.4) is pruned by it, not thresholded.
        var b = full(new long[] { 3, 64, 32, 32 }, 0.3f);
        masks["a"].ApplyMask(b);
        Assert.Equal(1.0 / volume, ElementwiseThresholds.Sparsity(b), 12);
    }

    [Fact]
    public void UsesTheParameter_sOwnThresholdBeforeTheDefault()
    {
        using var scope = NewDisposeScope();
        using var masks = new MaskDictionaryBuilder("x", "y").Build();
        var pruner = new MagnitudeParameterPruner("p", new Dictionary<string, double> { ["*"] = 0.5, ["x"] = 0.15 });
        var w = tensor(new[] { 0.1f, 0.2f, 0.6f });
        pruner.SetParameterMask(w, "x", masks, Meta(0, 0, 1, 1));
        pruner.SetParameterMask(w, "y", masks, Meta(0, 0, 1, 1));
        Assert.Equal(new[] { 0f, 1f, 1f }, Values(masks["x"].Mask!));
        Assert.Equal(new[] { 0f, 0f, 1f }, Values(masks["y"].Mask!));
    }

    [Fact]
    public void RequiresTheDefaultThreshold()
    {
        var e = Assert.Throws<ArgumentException>(() => new MagnitudeParameterPruner("p", new Dictionary<string, double> { ["x"] = 0.1 }));
        Assert.Equal("thresholds", e.ParamName);
        Assert.Contains("'*'", e.Message);
        Assert.Throws<ArgumentNullException>(() => new MagnitudeParameterPruner("p", null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MagnitudeParameterPruner("p", new Dictionary<string, double> { ["*"] = -1 }));
    }
}

public class SparsityLevelParameterPrunerTests
{
    [Fact]
    public void PrunesEachParameterToItsLevelOrTheDefault()
    {
        // x: k = int(0.5 * 4) = 2 → prune |0.1|, |0.2|;  y ('*' = 0.25): k = 1 → prune |0.1|
        using var scope = NewDisposeScope();
        using var masks = new MaskDictionaryBuilder("x", "y").Build();
        var pruner = new SparsityLevelParameterPruner("p", new Dictionary<string, double> { ["x"] = 0.5, ["*"] = 0.25 });
        var w = tensor(new[] { 0.4f, -0.1f, 0.3f, 0.2f });
        pruner.SetParameterMask(w, "x", masks, Meta(0, 0, 1, 1));
        pruner.SetParameterMask(w, "y", masks, Meta(0, 0, 1, 1));
        Assert.Equal(new[] { 1f, 0f, 1f, 0f }, Values(masks["x"].Mask!));
        Assert.Equal(new[] { 1f, 0f, 1f, 1f }, Values(masks["y"].Mask!));
    }

    [Fact]
    public void LevelZeroOrNoLevelLeavesTheMaskAlone()
    {
        using var scope = NewDisposeScope();
        using var masks = new MaskDictionaryBuilder("x", "z").Build();
        masks["x"].Mask = tensor(new[] { 0f, 1f });
        var pruner = new SparsityLevelParameterPruner("p", new Dictionary<string, double> { ["x"] = 0 });
        pruner.SetParameterMask(tensor(new[] { 1f, 2f }), "x", masks, Meta(0, 0, 1, 1));
        pruner.SetParameterMask(tensor(new[] { 1f, 2f }), "z", masks, Meta(0, 0, 1, 1));
        Assert.Equal(new[] { 0f, 1f }, Values(masks["x"].Mask!));
        Assert.Null(masks["z"].Mask);
    }

    [Fact]
    public void RejectsLevelsOutsideZeroToOne()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SparsityLevelParameterPruner("p", new Dictionary<string, double> { ["*"] = 1.2 }));
        Assert.Equal("levels", e.ParamName);
        Assert.Throws<ArgumentException>(() => new SparsityLevelParameterPruner("p", new Dictionary<string, double>()));
    }
}

public class SensitivityPrunerTests
{
    [Fact]
    public void ThresholdIsStdTimesSensitivityMeasuredOnceThenKept()
    {
        // First call: w = [1, 2, 3, 4], std = sqrt(5/3) = 1.290994, s = 1 → t = 1.290994 → [0, 1, 1, 1].
        // Second call on w' = [1.2, 1.3, 3, 4]: the kept t = 1.290994 prunes only 1.2 → [0, 1, 1, 1].
        // (Recomputing would give std(w') = sqrt(5.5675 / 3) = 1.362290, which would also prune 1.3.)
        using var scope = NewDisposeScope();
        using var masks = new MaskDictionaryBuilder("w").Build();
        var pruner = new SensitivityPruner("s", new Dictionary<string, double> { ["w"] = 1.0 });
        pruner.SetParameterMask(tensor(new[] { 1f, 2f, 3f, 4f }), "w", masks, Meta(0, 0, 2, 1));
        Assert.Equal(new[] { 0f, 1f, 1f, 1f }, Values(masks["w"].Mask!));
        pruner.SetParameterMask(tensor(new[] { 1.2f, 1.3f, 3f, 4f }), "w", masks, Meta(1, 0, 2, 1));
        Assert.Equal(new[] { 0f, 1f, 1f, 1f }, Values(masks["w"].Mask!));
    }

    [Fact]
    public void KeptStdTravelsThroughState()
    {
        using var scope = NewDisposeScope();
        using var masks = new MaskDictionaryBuilder("w").Build();
        var first = new SensitivityPruner("s", new Dictionary<string, double> { ["*"] = 1.0 });
        first.SetParameterMask(tensor(new[] { 1f, 2f, 3f, 4f }), "w", masks, Meta(0, 0, 2, 1));
        var state = new Dictionary<string, object>();
        first.SaveState(state);

        var resumed = new SensitivityPruner("s", new Dictionary<string, double> { ["*"] = 1.0 });
        resumed.LoadState(state);
        resumed.SetParameterMask(tensor(new[] { 1.2f, 1.3f, 3f, 4f }), "w", masks, Meta(1, 0, 2, 1));
        Assert.Equal(new[] { 0f, 1f, 1f, 1f }, Values(masks["w"].Mask!));
    }

    [Fact]
    public void ParametersWithoutASensitivityOrDefaultAreLeftAlone()
    {
        using var scope = NewDisposeScope();
        using var masks = new MaskDictionaryBuilder("other").Build();
        var pruner = new SensitivityPruner("s", new Dictionary<string, double> { ["w"] = 1.0 });
        pruner.SetParameterMask(tensor(new[] { 1f, 2f }), "other", masks, Meta(0, 0, 1, 1));
        Assert.Null(masks["other"].Mask);
    }
}

public class SplicingPrunerTests
{
    // w = [0.1, 0.5, 1.0, 2.0]: mean|w| = 0.9; unbiased std|w| = sqrt((0.64 + 0.16 + 0.01 + 1.21) / 3) = 0.820569
    // s = 0.5 → base = 0.9 + 0.410284 = 1.310284; a = base × 0.5 = 0.655142; b = base × 1.2 = 1.572341
    private static readonly Dictionary<string, double> Sensitivity = new() { ["w"] = 0.5 };

    [Fact]
    public void PrunesUnderTheLowThresholdKeepsTheBandAndRevivesOverTheHighOne()
    {
        using var scope = NewDisposeScope();
        using var masks = new MaskDictionaryBuilder("w").Build();
        var pruner = new SplicingPruner("dns", Sensitivity, lowThreshMult: 0.5, hiThreshMult: 1.2);

        // No mask yet: previous mask = ones. 0.1, 0.5 < a → 0; 1.0 in [a, b) → previous 1; 2.0 ≥ b → 1.
        pruner.SetParameterMask(tensor(new[] { 0.1f, 0.5f, 1.0f, 2.0f }), "w", masks, Meta(0, 0, 4, 1));
        Assert.Equal(new[] { 0f, 0f, 1f, 1f }, Values(masks["w"].Mask!));

        // Statistics are kept. w = [0.7, 1.6, 0.6, 2.0]: 0.7 in band, previous 0 → 0; 1.6 ≥ b → revived to 1;
        // 0.6 < a → 0; 2.0 → 1.
        pruner.SetParameterMask(tensor(new[] { 0.7f, 1.6f, 0.6f, 2.0f }), "w", masks, Meta(1, 0, 4, 1));
        Assert.Equal(new[] { 0f, 1f, 0f, 1f }, Values(masks["w"].Mask!));
    }

    [Fact]
    public void SensitivityMultiplierGrowsTheSensitivityLinearly()
    {
        // w = [0.1, 0.8, 1.0, 2.0]: mean 0.975; std = sqrt((0.765625 + 0.030625 + 0.000625 + 1.050625) / 3) = 0.784750
        // without multiplier: s = 0.5 → a = (0.975 + 0.392375) × 0.5 = 0.683688 → 0.8 kept → [0, 1, 1, 1]
        // multiplier 0.5 at epoch 2 (start 0): s = 0.5 × (2 × 0.5 + 1) = 1.0 → a = 0.879875 → 0.8 pruned → [0, 0, 1, 1]
        using var scope = NewDisposeScope();
        var w = tensor(new[] { 0.1f, 0.8f, 1.0f, 2.0f });
        using var plainMasks = new MaskDictionaryBuilder("w").Build();
        new SplicingPruner("dns", Sensitivity, 0.5, 1.2).SetParameterMask(w, "w", plainMasks, Meta(2, 0, 4, 1));
        Assert.Equal(new[] { 0f, 1f, 1f, 1f }, Values(plainMasks["w"].Mask!));

        using var growingMasks = new MaskDictionaryBuilder("w").Build();
        new SplicingPruner("dns", Sensitivity, 0.5, 1.2, sensitivityMultiplier: 0.5).SetParameterMask(w, "w", growingMasks, Meta(2, 0, 4, 1));
        Assert.Equal(new[] { 0f, 0f, 1f, 1f }, Values(growingMasks["w"].Mask!));
    }

    [Fact]
    public void ValidatesThresholdMultipliers()
    {
        Assert.Equal("hiThreshMult", Assert.Throws<ArgumentOutOfRangeException>(() => new SplicingPruner("d", Sensitivity, 1.0, 0.5)).ParamName);
        Assert.Equal("lowThreshMult", Assert.Throws<ArgumentOutOfRangeException>(() => new SplicingPruner("d", Sensitivity, -1, 0.5)).ParamName);
    }
}

public class AutomatedGradualPrunerTests
{
    [Fact]
    public void AlexNetFcScheduleTargets()
    {
        // starting 0, ending 18, frequency 2: span = ((18 - 0 - 1) // 2) × 2 = 16;
        // target(e) = 0.91 + (0.05 - 0.91)(1 - e/16)³:
        //   e=2: 0.91 - 0.86 × 0.875³ (0.669922) = 0.333867    e=4: 0.91 - 0.86 × 0.421875 = 0.547188
        //   e=6: 0.91 - 0.86 × 0.244141 = 0.700039            e=8: 0.91 - 0.86 × 0.125 = 0.8025
        //   e=10: 0.91 - 0.86 × 0.052734 = 0.864648          e=12: 0.91 - 0.86 × 0.015625 = 0.896563
        //   e=14: 0.91 - 0.86 × 0.001953 = 0.908320          e=16: 0.91
        var expected = new[] { 0.05, 0.333867, 0.547188, 0.700039, 0.8025, 0.864648, 0.896563, 0.90832, 0.91 };
        var pruner = new AutomatedGradualPruner("fc_pruner", 0.05, 0.91, new[] { "fc.weight" });
        var epochs = Enumerable.Range(0, 18).Where(e => e % 2 == 0).ToArray();
        Assert.Equal(expected.Length, epochs.Length);
        for (int i = 0; i < epochs.Length; i++)
            Assert.Equal(expected[i], pruner.TargetSparsity(Meta(epochs[i], 0, 18, 2)), tolerance: 1e-6); // the expectations are rounded to 6 places
    }

    [Fact]
    public void PrunesExactlyIntTargetTimesNumelOfTheListedWeightsOnly()
    {
        // 1000 distinct magnitudes; at epoch 4 of (0, 18, 2) the target is 0.547188 → int(547.1875) = 547 zeros.
        using var scope = NewDisposeScope();
        using var masks = new MaskDictionaryBuilder("fc.weight", "fc.bias").Build();
        var w = arange(1, 1001, dtype: ScalarType.Float32).div(1000).reshape(10, 100);
        var pruner = new AutomatedGradualPruner("fc_pruner", 0.05, 0.91, new[] { "fc.weight" });
        pruner.SetParameterMask(w, "fc.weight", masks, Meta(4, 0, 18, 2));
        pruner.SetParameterMask(w, "fc.bias", masks, Meta(4, 0, 18, 2));
        var mask = masks["fc.weight"].Mask!;
        Assert.Equal(547, mask.logical_not().sum().ToInt64());
        Assert.Equal(0f, mask.reshape(-1)[546].ToSingle());  // the 547th smallest is pruned
        Assert.Equal(1f, mask.reshape(-1)[547].ToSingle());
        Assert.Null(masks["fc.bias"].Mask);
    }

    [Fact]
    public void RejectsAnEpochsListScheduleAndBadArguments()
    {
        var pruner = new AutomatedGradualPruner("p", 0.05, 0.5, new[] { "w" });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => pruner.TargetSparsity(Meta(1, 0, 4, 0)));
        Assert.Contains("epochs list", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AutomatedGradualPruner("p", 0.5, 0.4, new[] { "w" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AutomatedGradualPruner("p", -0.1, 0.4, new[] { "w" }));
        Assert.Throws<ArgumentException>(() => new AutomatedGradualPruner("p", 0.1, 0.4, Array.Empty<string>()));
        Assert.Throws<ArgumentException>(() => new AutomatedGradualPruner(" ", 0.1, 0.4, new[] { "w" }));
    }
}

public class BaiduRNNPrunerTests
{
    [Fact]
    public void ThresholdFollowsTheTwoSlopes()
    {
        // q = 0.2, ramp_epoch_offset = 2, ramp_slope_mult = 1.5, epochs 0..10 every 1 → ramp_epoch = 2
        // start_slope = 2 × 0.2 × 1 / (2 × 2 + 3 × 8) = 0.4 / 28 = 0.0142857; ramp_slope = 0.0214286
        // eps(0) = 0.0142857 × 1 = 0.0142857;  eps(1) = 0.0142857 × 2 = 0.0285714
        // eps(5) = 0.0142857 × 3 + 0.0214286 × 4 = 0.0428571 + 0.0857143 = 0.1285714
        var pruner = new BaiduRNNPruner("rnn", 0.2, 2, 1.5, new[] { "w" });
        Assert.Equal(0.4 / 28, pruner.Threshold(Meta(0, 0, 10, 1)), 9);
        Assert.Equal(0.8 / 28, pruner.Threshold(Meta(1, 0, 10, 1)), 9);
        Assert.Equal(0.1285714, pruner.Threshold(Meta(5, 0, 10, 1)), 6);

        using var scope = NewDisposeScope();
        using var masks = new MaskDictionaryBuilder("w").Build();
        pruner.SetParameterMask(tensor(new[] { 0.1f, 0.13f, -0.2f }), "w", masks, Meta(5, 0, 10, 1));
        Assert.Equal(new[] { 0f, 1f, 1f }, Values(masks["w"].Mask!));
    }

    [Fact]
    public void SlopesAreComputedOnceAndKeptThroughState()
    {
        // First call with ending 10: start_slope = 0.4/28. A later call claiming ending 20 keeps that slope:
        // eps(1) = 0.4/28 × 2 = 0.0285714 (a fresh pruner would use 0.4/58 × 2 = 0.0137931).
        var pruner = new BaiduRNNPruner("rnn", 0.2, 2, 1.5, new[] { "w" });
        pruner.Threshold(Meta(0, 0, 10, 1));
        var state = new Dictionary<string, object>();
        pruner.SaveState(state);
        var resumed = new BaiduRNNPruner("rnn", 0.2, 2, 1.5, new[] { "w" });
        resumed.LoadState(state);
        Assert.Equal(0.8 / 28, resumed.Threshold(Meta(1, 0, 20, 1)), 9);
        Assert.Equal(0.8 / 58, new BaiduRNNPruner("rnn", 0.2, 2, 1.5, new[] { "w" }).Threshold(Meta(1, 0, 20, 1)), 9);
    }
}

/// <summary>A mask dictionary over names, for calling pruners outside a model.</summary>
internal sealed class MaskDictionaryBuilder
{
    private readonly string[] _names;

    public MaskDictionaryBuilder(params string[] names) => _names = names;

    public MaskDictionary Build() => new(_names);
}
