using Distiller.Typed.Summaries;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Summaries;

/// <summary>Distiller's sparsity helpers (distiller/utils.py) on tensors small enough to count by hand.</summary>
public class SparsityMeasuresTests
{
    [Fact]
    public void ConvWithOneZeroFilter()
    {
        using var scope = NewDisposeScope();
        // 2 filters x 2 channels x 1 x 1: filter 0 = (0, 0), filter 1 = (1, 2)
        var w = tensor(new float[] { 0, 0, 1, 2 }).reshape(2, 2, 1, 1);
        Assert.Equal(0.5, SparsityMeasures.Sparsity3D(w));       // 1 of 2 filters all zero
        Assert.Equal(0.5, SparsityMeasures.Density3D(w));
        Assert.Equal(0.0, SparsityMeasures.SparsityChannels(w)); // channel 0 = (0, 1), channel 1 = (0, 2): both alive
        Assert.Equal(0.5, SparsityMeasures.Sparsity2D(w));       // 1x1 kernels 0, 0, 1, 2: 2 of 4 zero
        Assert.Equal(0.5, SparsityMeasures.Sparsity(w));         // 2 of 4 elements
        Assert.Equal(0.5, SparsityMeasures.Density(w));
        Assert.Equal(2, SparsityMeasures.NonZeroCount(w));
        Assert.Equal(0.0, SparsityMeasures.SparsityCols(w));     // not 2D
        Assert.Equal(0.0, SparsityMeasures.SparsityRows(w));
    }

    [Fact]
    public void ConvWithOneZeroChannel()
    {
        using var scope = NewDisposeScope();
        // filter 0 = (1, 0), filter 1 = (-2, 0): channel 1 is zero in both filters
        var w = tensor(new float[] { 1, 0, -2, 0 }).reshape(2, 2, 1, 1);
        Assert.Equal(0.5, SparsityMeasures.SparsityChannels(w));
        Assert.Equal(0.5, SparsityMeasures.DensityChannels(w));
        Assert.Equal(0.0, SparsityMeasures.Sparsity3D(w));
    }

    [Fact]
    public void KernelSparsityCountsWholeKernels()
    {
        using var scope = NewDisposeScope();
        // 1 filter x 3 channels x 2 x 2: kernel 0 all zero, kernel 1 one non-zero, kernel 2 all non-zero
        var w = tensor(new float[] { 0, 0, 0, 0, 0, 0, 3, 0, 1, 1, 1, 1 }).reshape(1, 3, 2, 2);
        Assert.Equal(1.0 / 3, SparsityMeasures.Sparsity2D(w), 15);
        Assert.Equal(7.0 / 12, SparsityMeasures.Sparsity(w), 15);  // 7 zeros of 12
        Assert.Equal(0.0, SparsityMeasures.Sparsity3D(w));
        Assert.Equal(1.0 / 3, SparsityMeasures.SparsityChannels(w), 15);
    }

    [Fact]
    public void MatrixColsAndRowsFollowDistillersTransposedConvention()
    {
        using var scope = NewDisposeScope();
        // 3 x 2: [[0, 0], [1, 0], [2, 0]]
        var w = tensor(new float[] { 0, 0, 1, 0, 2, 0 }).reshape(3, 2);
        // cols (transposed) = sparsity_matrix(t, 0): sums over dim 1 = [0, 1, 2] -> 1 of 3 zero
        Assert.Equal(1.0 / 3, SparsityMeasures.SparsityCols(w), 15);
        // rows (transposed) = sparsity_matrix(t, 1): sums over dim 0 = [3, 0] -> 1 of 2 zero
        Assert.Equal(0.5, SparsityMeasures.SparsityRows(w));
        Assert.Equal(0.5, SparsityMeasures.SparsityCols(w, transposed: false));
        Assert.Equal(1.0 / 3, SparsityMeasures.SparsityRows(w, transposed: false), 15);
        Assert.Equal(1.0 / 3, SparsityMeasures.Sparsity2D(w), 15);   // 2D rows of a matrix
        Assert.Equal(2.0 / 3, SparsityMeasures.Sparsity(w), 15);     // 4 zeros of 6
        Assert.Equal(0.0, SparsityMeasures.Sparsity3D(w));
        Assert.Equal(0.0, SparsityMeasures.SparsityChannels(w));
    }

    [Fact]
    public void OtherRanksGiveZeroStructuredSparsity()
    {
        using var scope = NewDisposeScope();
        var b = tensor(new float[] { 0, 1, 0 });
        Assert.Equal(0.0, SparsityMeasures.Sparsity2D(b));
        Assert.Equal(0.0, SparsityMeasures.SparsityMatrix(b, 0));
        Assert.Equal(2.0 / 3, SparsityMeasures.Sparsity(b), 15);
    }

    [Fact]
    public void Blocks()
    {
        using var scope = NewDisposeScope();
        // 4 filters x 2 channels x 1 x 1, blocks of (2, 1, 1, 1) -> 4 blocks: filters {0,1} x channel c, filters {2,3} x channel c.
        // filters 0, 1 all zero; filters 2, 3 = (5, 0), (6, 0): blocks (01,c0)=0 (01,c1)=0 (23,c0)=11 (23,c1)=0 -> 3 of 4 zero
        var w = tensor(new float[] { 0, 0, 0, 0, 5, 0, 6, 0 }).reshape(4, 2, 1, 1);
        Assert.Equal(0.75, SparsityMeasures.SparsityBlocks(w, new long[] { 2, 1, 1, 1 }));
        Assert.Throws<ArgumentException>(() => SparsityMeasures.SparsityBlocks(w, new long[] { 2, 1, 3, 1 }));
        Assert.Throws<ArgumentException>(() => SparsityMeasures.SparsityBlocks(w, new long[] { 3, 1, 1, 1 }));
    }

    [Fact]
    public void LeavesNoTensorsBehind()
    {
        using var w = randn(8, 4, 3, 3);
        var before = Tensor.TotalCount;
        SparsityMeasures.Sparsity2D(w);
        SparsityMeasures.Sparsity3D(w);
        SparsityMeasures.SparsityChannels(w);
        SparsityMeasures.Density(w);
        Assert.Equal(before, Tensor.TotalCount);
    }
}
