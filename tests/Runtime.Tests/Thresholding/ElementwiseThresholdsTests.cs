using Distiller.Typed.Thresholding;
using static Distiller.Typed.Tests.TestModels;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Thresholding;

public class ElementwiseThresholdsTests
{
    [Fact]
    public void ThresholdMaskPrunesTheOneSmallElement_DistillerTestThresholdMask()
    {
        // distiller tests/test_thresholding.py::test_threshold_mask
        using var scope = NewDisposeScope();
        var a = ones(3, 64, 32, 32);
        a[1, 4, 17, 31] = tensor(0.2f);
        var mask = ElementwiseThresholds.MaskByThreshold(a, 0.3);
        long volume = 3 * 64 * 32 * 32;
        Assert.Equal(volume - 1, mask.sum().ToInt64());
        Assert.Equal(0f, mask[1, 4, 17, 31].ToSingle());
        Assert.Equal(1.0 / volume, ElementwiseThresholds.Sparsity(mask), 12);
        Assert.Equal(ScalarType.Float32, mask.dtype);
    }

    [Fact]
    public void ThresholdMaskPrunesElementsEqualToTheThreshold()
    {
        // mask = |w| > t: |-0.5| = 0.5 is not greater than 0.5, so it is pruned.
        using var scope = NewDisposeScope();
        var mask = ElementwiseThresholds.MaskByThreshold(tensor(new[] { 0.1f, -0.5f, 0.51f, -2f }), 0.5);
        Assert.Equal(new[] { 0f, 0f, 1f, 1f }, Values(mask));
    }

    [Fact]
    public void LevelMaskReachesTheLevel_DistillerTestLevelMask()
    {
        // distiller tests/test_thresholding.py::test_level_mask: sparsity 0.3 within 1e-4 on rand(3, 64, 32, 32)
        using var scope = NewDisposeScope();
        manual_seed(0);
        var a = rand(3, 64, 32, 32);
        var mask = ElementwiseThresholds.MaskBySparsityLevel(a, 0.3);
        Assert.InRange(ElementwiseThresholds.Sparsity(mask), 0.3 - 1e-4, 0.3 + 1e-4);
    }

    [Fact]
    public void LevelMaskPrunesTheKSmallestMagnitudes()
    {
        // k = int(0.4 * 5) = 2; the two smallest |w| are 0.1 and 0.2 (the k-th smallest, 0.2, is the threshold).
        using var scope = NewDisposeScope();
        var mask = ElementwiseThresholds.MaskBySparsityLevel(tensor(new[] { 0.1f, -0.5f, 0.3f, -0.2f, 0.4f }), 0.4);
        Assert.Equal(new[] { 0f, 1f, 1f, 0f, 1f }, Values(mask));
    }

    [Fact]
    public void LevelMaskPrunesTiesWithTheKthValueAsDistiller()
    {
        // k = int(0.25 * 4) = 1, threshold = 1; every element equal to 1 is not > 1, so three are pruned.
        using var scope = NewDisposeScope();
        var mask = ElementwiseThresholds.MaskBySparsityLevel(tensor(new[] { 1f, -1f, 1f, 2f }), 0.25);
        Assert.Equal(new[] { 0f, 0f, 0f, 1f }, Values(mask));
    }

    [Fact]
    public void LevelMaskWithKZeroPrunesNothing()
    {
        // k = int(0.1 * 5) = 0
        using var scope = NewDisposeScope();
        var mask = ElementwiseThresholds.MaskBySparsityLevel(tensor(new[] { 0.1f, 0.2f, 0.3f, 0.4f, 0.5f }), 0.1);
        Assert.Equal(new[] { 1f, 1f, 1f, 1f, 1f }, Values(mask));
    }

    [Fact]
    public void LevelMaskKeepsTheShapeOf4DTensors()
    {
        // 2x1x2x2 = 8 elements, k = int(0.5 * 8) = 4: magnitudes 1..8 → prune 1..4
        using var scope = NewDisposeScope();
        var w = tensor(new[] { 8f, -1f, 7f, 2f, -6f, 3f, 5f, -4f }).reshape(2, 1, 2, 2);
        var mask = ElementwiseThresholds.MaskBySparsityLevel(w, 0.5);
        Assert.Equal(new long[] { 2, 1, 2, 2 }, mask.shape);
        Assert.Equal(new[] { 1f, 0f, 1f, 0f, 1f, 0f, 1f, 0f }, Values(mask));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void LevelMaskRejectsLevelsOutsideZeroToOne(double level)
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ElementwiseThresholds.MaskBySparsityLevel(ones(4), level));
        Assert.Equal("desiredSparsity", e.ParamName);
    }

    [Fact]
    public void SensitivityMaskIsAboutOneStdOnANormal_DistillerTestSensitivityMask()
    {
        // distiller tests/test_thresholding.py::test_sensitivity_mask: Pr(|X| <= std) = 68.27 % for N(0, 1)
        using var scope = NewDisposeScope();
        manual_seed(0);
        var a = randn(3, 64, 32, 32);
        var mask = ElementwiseThresholds.MaskBySensitivity(a, 1);
        Assert.InRange(ElementwiseThresholds.Sparsity(mask), 0.6827 - 0.005, 0.6827 + 0.005);
    }

    [Fact]
    public void SensitivityThresholdIsUnbiasedStdTimesSensitivity()
    {
        // w = [1, 2, 3, 4]: mean 2.5, unbiased var = (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3, std = 1.290994
        // s = 1   → t = 1.290994 → [0, 1, 1, 1];  s = 2.4 → t = 3.098387 → [0, 0, 0, 1]
        using var scope = NewDisposeScope();
        var w = tensor(new[] { 1f, 2f, 3f, 4f });
        Assert.Equal(Math.Sqrt(5.0 / 3.0), ElementwiseThresholds.StandardDeviation(w), 6);
        Assert.Equal(new[] { 0f, 1f, 1f, 1f }, Values(ElementwiseThresholds.MaskBySensitivity(w, 1)));
        Assert.Equal(new[] { 0f, 0f, 0f, 1f }, Values(ElementwiseThresholds.MaskBySensitivity(w, 2.4)));
    }
}
