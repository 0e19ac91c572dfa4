using Distiller.Typed.Summaries;

namespace Distiller.Typed.Tests.Summaries;

public class WeightsSparsitySummaryTests
{
    [Fact]
    public void RowsAndTotalWorkedByHand()
    {
        using var model = SummaryModels.Tiny();
        var summary = WeightsSparsitySummary.Compute(model);

        // Only rank-2/4 tensors: the biases (rank 1) are left out, as Distiller's param_dims=[2, 4].
        Assert.Equal(new[] { "conv.weight", "fc.weight" }, summary.Parameters.Select(p => p.Name));

        var conv = summary.Parameters[0];
        Assert.Equal("(2, 1, 1, 1)", conv.ShapeText);
        Assert.Equal((2L, 1L), (conv.NnzDense, conv.NnzSparse));
        Assert.Equal(0, conv.ColsPercent);
        Assert.Equal(0, conv.RowsPercent);
        Assert.Equal(0, conv.ChannelsPercent);       // the one channel holds 2
        Assert.Equal(50, conv.Sparsity2DPercent);    // kernels 0 | 2
        Assert.Equal(50, conv.Sparsity3DPercent);
        Assert.Equal(50, conv.FinePercent);
        Assert.Equal(Math.Sqrt(2), conv.Std, 12);     // unbiased: ((0-1)^2 + (2-1)^2) / 1 = 2
        Assert.Equal(1, conv.Mean, 12);
        Assert.Equal(1, conv.AbsMean, 12);

        var fc = summary.Parameters[1];
        Assert.Equal("(3, 2)", fc.ShapeText);
        Assert.Equal((6L, 3L), (fc.NnzDense, fc.NnzSparse));
        Assert.Equal(100.0 / 3, fc.ColsPercent, 10);  // stored rows |.| sums 0, 2, 2
        Assert.Equal(0, fc.RowsPercent);              // stored columns sums 3, 1
        Assert.Equal(100.0 / 3, fc.Sparsity2DPercent, 10);
        Assert.Equal(0, fc.Sparsity3DPercent);
        Assert.Equal(50, fc.FinePercent);
        Assert.Equal(1.0 / 3, fc.Mean, 12);           // (1 - 1 + 2) / 6
        Assert.Equal(2.0 / 3, fc.AbsMean, 12);        // 4 / 6
        // deviations from 1/3: three zeros 3 * 1/9, 1 -> 4/9, -1 -> 16/9, 2 -> 25/9: 48/9 / 5 = 16/15
        Assert.Equal(Math.Sqrt(16.0 / 15), fc.Std, 12);

        Assert.Equal(8, summary.TotalDense);
        Assert.Equal(4, summary.TotalSparse);
        Assert.Equal(50, summary.TotalSparsityPercent, 12);
        var total = summary.RowsWithTotal.Last();
        Assert.Equal(("Total sparsity:", 8L, 4L, 50.0), (total.Name, total.NnzDense, total.NnzSparse, total.FinePercent));
    }

    [Fact]
    public void ParamDimsSelectsTheRanks()
    {
        using var model = SummaryModels.Tiny();
        var summary = WeightsSparsitySummary.Compute(model, new[] { 1 });
        Assert.Equal(new[] { "conv.bias", "fc.bias" }, summary.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void TableHasDistillersColumnsAndTotalRow()
    {
        using var model = SummaryModels.Tiny();
        var table = WeightsSparsitySummary.Compute(model).ToTable();
        var lines = table.Split(Environment.NewLine);
        Assert.StartsWith("+----+", lines[0]);
        Assert.Equal("|    | Name            | Shape        |   NNZ (dense) |   NNZ (sparse) |   Cols (%) |   Rows (%) |   Ch (%) |   2D (%) |   3D (%) |   Fine (%) |     Std |    Mean |   Abs-Mean |", lines[1]);
        Assert.StartsWith("|----+", lines[2]);
        Assert.Equal("|  0 | conv.weight     | (2, 1, 1, 1) |             2 |              1 |    0.00000 |    0.00000 |  0.00000 | 50.00000 | 50.00000 |   50.00000 | 1.41421 | 1.00000 |    1.00000 |", lines[3]);
        Assert.Equal("|  2 | Total sparsity: | -            |             8 |              4 |    0.00000 |    0.00000 |  0.00000 |  0.00000 |  0.00000 |   50.00000 | 0.00000 | 0.00000 |    0.00000 |", lines[5]);
        Assert.Equal(7, lines.Length);
    }

    [Fact]
    public void CsvIsDistillersWeightsSparsityFile()
    {
        using var model = SummaryModels.Tiny();
        var dir = Directory.CreateTempSubdirectory("wsparsity").FullName;
        try
        {
            var path = WeightsSparsityCsv.Write(model, dir);
            Assert.Equal(Path.Combine(dir, "weights_sparsity.csv"), path);
            Assert.Equal(
                "parameter,shape,volume,sparse volume,sparsity level\r\n" +
                "conv.weight,\"(2, 1, 1, 1)\",2,1,50.0\r\n" +
                "fc.weight,\"(3, 2)\",6,3,50.0\r\n",
                File.ReadAllText(path));
            Assert.EndsWith("run1_weights_sparsity.csv", WeightsSparsityCsv.Write(model, dir, "run1"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(50.0, "50.0")]
    [InlineData(100.0 / 3, "33.333333333333336")]   // Python: repr((1 - 2/3) * 100) style shortest round-trip
    [InlineData(0.00001, "1e-05")]
    [InlineData(0.0, "0.0")]
    public void FloatsAreWrittenAsPythonWritesThem(double value, string expected) =>
        Assert.Equal(expected, WeightsSparsityCsv.PythonFloat(value));
}
