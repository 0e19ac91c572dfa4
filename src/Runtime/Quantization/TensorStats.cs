namespace Distiller.Typed.Quantization;

/// <summary>
/// Calibration statistics of one tensor (an input or the output of a module), as in Distiller's stats YAML:
/// <c>min</c>, <c>max</c>, <c>avg_min</c>, <c>avg_max</c> (per-sample extremes averaged over the data),
/// <c>mean</c>, <c>std</c>, <c>b</c> (mean absolute deviation, ACIQ's Laplace scale), <c>shape</c>, <c>total_numel</c>.
/// </summary>
public sealed record TensorStats
{
    public double Min { get; init; }
    public double Max { get; init; }
    public double AvgMin { get; init; }
    public double AvgMax { get; init; }
    public double Mean { get; init; }
    public double Std { get; init; }
    public double B { get; init; }
    public IReadOnlyList<long> Shape { get; init; } = Array.Empty<long>();
    public long TotalNumel { get; init; }
}
