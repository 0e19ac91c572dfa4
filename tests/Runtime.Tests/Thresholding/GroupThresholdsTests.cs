using Distiller.Typed.Thresholding;
using static Distiller.Typed.Tests.Thresholding.ThresholdingTensors;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Thresholding;

/// <summary>Distiller's tests/test_thresholding.py group tests, value for value, plus hand-worked cases for the rest.</summary>
public class GroupThresholdsTests
{
    [Fact]
    public void KernelThresholding_2D_L1_6()
    {
        using var scope = NewDisposeScope();
        var (mask, map) = GroupThresholds.GroupThresholdMask(FourD(), "2D", 6, "L1");
        Assert.Equal(new long[] { 6 }, map.shape);
        // Kernel L1 norms 6.5997, 7.7756, 5.8073 / 8.4522, 5.9498, 6.4908 (from the Distiller test's comments).
        Assert.Equal(new float[] { 1, 1, 0, 1, 0, 1 }, Values(map));
        Assert.Equal(KernelMask(1, 1, 0, 1, 0, 1), Values(mask));
        Assert.Equal(new long[] { 2, 3, 3, 3 }, mask.shape);
    }

    [Fact]
    public void FilterThresholding_3D_L2_4point7()
    {
        using var scope = NewDisposeScope();
        var (mask, map) = GroupThresholds.GroupThresholdMask(FourD(), "3D", 4.7, "L2");
        // Filter L2 norms 4.5039 and 5.2156.
        Assert.Equal(new float[] { 0, 1 }, Values(map));
        Assert.Equal(KernelMask(0, 0, 0, 1, 1, 1), Values(mask));
    }

    [Fact]
    public void ChannelThresholding1_Channels_L2_3point7()
    {
        using var scope = NewDisposeScope();
        var (mask, map) = GroupThresholds.GroupThresholdMask(FourD(), "Channels", 3.7, "L2");
        // Channel L2 norms 4.3593, 3.6394, 3.9037.
        Assert.Equal(new float[] { 1, 0, 1 }, Values(map));
        Assert.Equal(KernelMask(1, 0, 1, 1, 0, 1), Values(mask));
    }

    [Fact]
    public void ChannelThresholding2_Channels_MeanL1_0point7()
    {
        using var scope = NewDisposeScope();
        var (mask, map) = GroupThresholds.GroupThresholdMask(FourD(), "Channels", 0.7, "Mean_L1");
        // Channel L1 / 18: 0.8362, 0.7625, 0.6832.
        Assert.Equal(new float[] { 1, 1, 0 }, Values(map));
        Assert.Equal(KernelMask(1, 1, 0, 1, 1, 0), Values(mask));
    }

    [Fact]
    public void RowThresholding_Max_7()
    {
        using var scope = NewDisposeScope();
        var p = TwoD();
        var (mask, map) = GroupThresholds.GroupThresholdMask(p, "Rows", 7, "Max");
        Assert.Equal(new float[] { 0, 0, 1, 1 }, Values(map));
        Assert.Equal(new float[] { 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1 }, Values(mask));
        // masked tensor sparsity == mask sparsity (6 of 12 zero)
        var masked = p.mul(mask);
        Assert.Equal(6L, masked.logical_not().sum().item<long>());
        Assert.Equal(6L, mask.logical_not().sum().item<long>());
    }

    [Fact]
    public void ColThresholding_Max_11()
    {
        using var scope = NewDisposeScope();
        var (mask, _) = GroupThresholds.GroupThresholdMask(TwoD(), "Cols", 11, "Max");
        Assert.Equal(new float[] { 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1 }, Values(mask));
    }

    [Fact]
    public void MeanAbsRows_GroupExactlyAtTheThresholdIsPruned()
    {
        using var scope = NewDisposeScope();
        // Row means |.|: (1+2+3)/3 = 2, 5, 8, 11. Threshold 5: the row at 5 is "at or under", so pruned.
        var map = GroupThresholds.BinaryMap(TwoD(), GroupType.Rows, 5, ThresholdCriterion.MeanAbs);
        Assert.Equal(new float[] { 0, 0, 1, 1 }, Values(map));
    }

    [Fact]
    public void MeanL2Cols_DividesTheL2NormByTheColumnLength()
    {
        using var scope = NewDisposeScope();
        // Column L2 / 4: sqrt(1+16+49+100)/4 = 3.2210, sqrt(4+25+64+121)/4 = 3.6572, sqrt(9+36+81+144)/4 = 4.1079.
        var map = GroupThresholds.BinaryMap(TwoD(), GroupType.Cols, 3.5, ThresholdCriterion.MeanL2);
        Assert.Equal(new float[] { 0, 1, 1 }, Values(map));
        var norms = GroupNorms.Compute(TwoD(), GroupType.Cols, ThresholdCriterion.MeanL2);
        Assert.Equal(new[] { 3.2210, 3.6572, 4.1079 }, Values(norms).Select(v => Math.Round(v, 4)).ToArray());
    }

    [Fact]
    public void LayerThresholding_WholeTensorIsOneGroup()
    {
        using var scope = NewDisposeScope();
        // Mean |w| of 1..12 = 78/12 = 6.5: at 6.5 the whole tensor goes, at 6.4 it stays.
        Assert.All(Values(GroupThresholds.Mask(TwoD(), GroupType.Layer, 6.5, ThresholdCriterion.MeanAbs)), v => Assert.Equal(0f, v));
        Assert.All(Values(GroupThresholds.Mask(TwoD(), GroupType.Layer, 6.4, ThresholdCriterion.MeanAbs)), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void RowsAndCols_KeepsOnlyElementsWhoseRowAndColumnBothSurvive()
    {
        using var scope = NewDisposeScope();
        // Row max 3, 6, 9, 12 -> rows kept [0,0,0,1]; column max 10, 11, 12 -> cols kept [0,1,1] (threshold 10).
        var mask = GroupThresholds.Mask(TwoD(), GroupType.RowsAndCols, 10, ThresholdCriterion.Max);
        Assert.Equal(new float[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1 }, Values(mask));
    }

    [Fact]
    public void Blocks_TileFiltersTimesChannels()
    {
        using var scope = NewDisposeScope();
        // (4, 2, 1, 1) weight, block_shape [2, 2, 1, 1]: two super-blocks, filters 0-1 and filters 2-3.
        // L1: |1|+|2|+|3|+|4| = 10 and 0.5+0.5+0.5+0.5 = 2. Threshold 5 keeps the first only.
        var p = tensor(new float[] { 1, 2, 3, 4, 0.5f, -0.5f, 0.5f, -0.5f }).reshape(4, 2, 1, 1);
        var mask = GroupThresholds.Mask(p, GroupType.Blocks, 5, ThresholdCriterion.L1, new BlockShape(2, 2, 1, 1));
        Assert.Equal(new float[] { 1, 1, 1, 1, 0, 0, 0, 0 }, Values(mask));
    }

    [Fact]
    public void MaskLivesOnTheParameterDeviceWithItsDtype()
    {
        using var scope = NewDisposeScope();
        var p = FourD().to_type(ScalarType.Float64);
        var (mask, map) = GroupThresholds.GroupThresholdMask(p, "3D", 4.7, "L2");
        Assert.Equal(ScalarType.Float64, mask.dtype);
        Assert.Equal(ScalarType.Float64, map.dtype);
        Assert.Equal(p.device.ToString(), mask.device.ToString());
    }

    [Fact]
    public void UnknownGroupTypeListsTheValidOnes()
    {
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => GroupThresholds.GroupThresholdMask(TwoD(), "Kernels", 1, "L1"));
        Assert.Contains("'Kernels'", ex.Message);
        Assert.Contains("'2D', 'Rows', 'Cols', '3D', 'Filters', 'Channels', '4D'", ex.Message);
    }

    [Fact]
    public void UnknownCriterionListsTheValidOnes()
    {
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => GroupThresholds.GroupThresholdMask(TwoD(), "Rows", 1, "Mean"));
        Assert.Contains("'Mean_Abs', 'Max', 'Mean_L1', 'Mean_L2', 'L1', 'L2'", ex.Message);
    }

    [Fact]
    public void GroupTypeTheRankCannotSupportNamesParameterAndShape()
    {
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => GroupThresholds.GroupThresholdMask(zeros(16), "Channels", 1, "L1", "conv1.bias"));
        Assert.Contains("'conv1.bias'", ex.Message);
        Assert.Contains("(16)", ex.Message);
    }
}

public class GroupMasksTests
{
    [Fact]
    public void ExpandedMaskNeverSharesTheBinaryMapsMemory()
    {
        using var scope = NewDisposeScope();
        // A (4, 1) weight cut into rows: the expanded view needs no broadcasting.
        var map = tensor(new float[] { 1, 0, 1, 0 });
        var mask = GroupMasks.Expand(zeros(4, 1), GroupType.Rows, map);
        mask.mul_(2);
        Assert.Equal(new float[] { 1, 0, 1, 0 }, ThresholdingTensors.Values(map));
        Assert.Equal(new float[] { 2, 0, 2, 0 }, ThresholdingTensors.Values(mask));
    }
}
