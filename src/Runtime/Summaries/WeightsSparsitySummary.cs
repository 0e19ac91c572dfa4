using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Summaries;

/// <summary>One parameter's line of Distiller's weights-sparsity summary. Percentages are 0–100.</summary>
/// <param name="Name">The <c>state_dict()</c> key, e.g. <c>layer1.0.conv1.weight</c>.</param>
/// <param name="Shape">The tensor's shape.</param>
/// <param name="NnzDense">"NNZ (dense)": the number of elements.</param>
/// <param name="NnzSparse">"NNZ (sparse)": the number of non-zero elements.</param>
/// <param name="ColsPercent">"Cols (%)": <see cref="SparsityMeasures.SparsityCols"/> × 100 (2D weights).</param>
/// <param name="RowsPercent">"Rows (%)": <see cref="SparsityMeasures.SparsityRows"/> × 100 (2D weights).</param>
/// <param name="ChannelsPercent">"Ch (%)": <see cref="SparsityMeasures.SparsityChannels"/> × 100 (4D weights).</param>
/// <param name="Sparsity2DPercent">"2D (%)": <see cref="SparsityMeasures.Sparsity2D"/> × 100.</param>
/// <param name="Sparsity3DPercent">"3D (%)": <see cref="SparsityMeasures.Sparsity3D"/> × 100 (4D weights).</param>
/// <param name="FinePercent">"Fine (%)": element-wise sparsity × 100.</param>
/// <param name="Std">Standard deviation (unbiased, as <c>torch.std</c>).</param>
/// <param name="Mean">Mean.</param>
/// <param name="AbsMean">Mean of absolute values.</param>
public sealed record WeightsSparsityRow(
    string Name,
    IReadOnlyList<long> Shape,
    long NnzDense,
    long NnzSparse,
    double ColsPercent,
    double RowsPercent,
    double ChannelsPercent,
    double Sparsity2DPercent,
    double Sparsity3DPercent,
    double FinePercent,
    double Std,
    double Mean,
    double AbsMean)
{
    /// <summary>The shape as Distiller's <c>size_to_str</c> writes it: <c>(64, 3, 3, 3)</c>.</summary>
    public string ShapeText => "(" + string.Join(", ", Shape) + ")";
}

/// <summary>
/// Distiller's weights-sparsity summary (<c>distiller/model_summaries.py</c>, <c>weights_sparsity_summary</c> and
/// <c>weights_sparsity_tbl_summary</c>): for every <c>state_dict()</c> tensor of rank 2 or 4 (configurable) whose name
/// contains "weight" or "bias", its sizes, structured sparsities and statistics, and the total sparsity
/// <c>(1 − Σ nnz / Σ numel) × 100</c> over those tensors.
/// </summary>
/// <remarks>
/// Distiller computes "NNZ (sparse)" as <c>int(density · numel)</c>, which floating-point rounding can make one less than
/// the true count (29/100·100 = 28.999…); this summary reports the exact count, so the totals are exact too.
/// </remarks>
public sealed class WeightsSparsitySummary
{
    /// <summary>Distiller's default <c>param_dims</c>.</summary>
    public static IReadOnlyList<int> DefaultParamDims { get; } = new[] { 2, 4 };

    private static readonly string[] Headers =
    {
        "Name", "Shape", "NNZ (dense)", "NNZ (sparse)", "Cols (%)", "Rows (%)", "Ch (%)", "2D (%)", "3D (%)", "Fine (%)", "Std", "Mean", "Abs-Mean",
    };

    private WeightsSparsitySummary(IReadOnlyList<WeightsSparsityRow> parameters)
    {
        Parameters = parameters;
        TotalDense = parameters.Sum(p => p.NnzDense);
        TotalSparse = parameters.Sum(p => p.NnzSparse);
        TotalSparsityPercent = TotalDense == 0 ? 0 : (1.0 - (double)TotalSparse / TotalDense) * 100;
    }

    /// <summary>One row per listed parameter, in <c>state_dict()</c> order.</summary>
    public IReadOnlyList<WeightsSparsityRow> Parameters { get; }

    /// <summary>Σ numel of the listed parameters.</summary>
    public long TotalDense { get; }

    /// <summary>Σ nnz of the listed parameters.</summary>
    public long TotalSparse { get; }

    /// <summary>Distiller's <c>total_sparsity</c>, in percent.</summary>
    public double TotalSparsityPercent { get; }

    /// <summary>The parameters followed by Distiller's "Total sparsity:" row (shape "-", structured columns 0).</summary>
    public IEnumerable<WeightsSparsityRow> RowsWithTotal =>
        Parameters.Append(new WeightsSparsityRow("Total sparsity:", Array.Empty<long>(), TotalDense, TotalSparse, 0, 0, 0, 0, 0, TotalSparsityPercent, 0, 0, 0));

    /// <param name="model">The model; its <c>state_dict()</c> tensors are read, never changed.</param>
    /// <param name="paramDims">Ranks to list (Distiller's <c>param_dims</c>, default 2 and 4).</param>
    public static WeightsSparsitySummary Compute(nn.Module model, IReadOnlyCollection<int>? paramDims = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var dims = paramDims ?? DefaultParamDims;
        var rows = new List<WeightsSparsityRow>();
        foreach (var (name, tensor) in model.state_dict())
        {
            if (!dims.Contains((int)tensor.dim()) || !(name.Contains("weight", StringComparison.Ordinal) || name.Contains("bias", StringComparison.Ordinal)))
                continue;
            rows.Add(Row(name, tensor));
        }
        return new WeightsSparsitySummary(rows);
    }

    private static WeightsSparsityRow Row(string name, Tensor tensor)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var t = tensor.detach().to_type(ScalarType.Float64);
        var nnz = SparsityMeasures.NonZeroCount(t);
        return new WeightsSparsityRow(
            name,
            tensor.shape,
            t.numel(),
            nnz,
            SparsityMeasures.SparsityCols(t) * 100,
            SparsityMeasures.SparsityRows(t) * 100,
            SparsityMeasures.SparsityChannels(t) * 100,
            SparsityMeasures.Sparsity2D(t) * 100,
            SparsityMeasures.Sparsity3D(t) * 100,
            (1.0 - (double)nnz / t.numel()) * 100,
            t.std().item<double>(),
            t.mean().item<double>(),
            t.abs().mean().item<double>());
    }

    /// <summary>The table Distiller logs ("Parameters:"), psql style, floats with 5 decimals, with the total row.</summary>
    public string ToTable()
    {
        var rows = RowsWithTotal.Select((r, i) => (IReadOnlyList<string>)new[]
        {
            r.Name,
            i == Parameters.Count ? "-" : r.ShapeText,
            r.NnzDense.ToString(CultureInfo.InvariantCulture),
            r.NnzSparse.ToString(CultureInfo.InvariantCulture),
            F(r.ColsPercent), F(r.RowsPercent), F(r.ChannelsPercent), F(r.Sparsity2DPercent), F(r.Sparsity3DPercent), F(r.FinePercent),
            F(r.Std), F(r.Mean), F(r.AbsMean),
        }).ToArray();
        var numeric = Headers.Select((_, c) => c >= 2).ToArray();
        return PsqlTable.Format(Headers, rows, numeric);
    }

    public override string ToString() => ToTable() + Environment.NewLine + $"Total sparsity: {TotalSparsityPercent.ToString("0.00", CultureInfo.InvariantCulture)}";

    private static string F(double value) => value.ToString("F5", CultureInfo.InvariantCulture);
}
