using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Calibration;

/// <summary>
/// Checks activation statistics (a <c>--qe-stats-file</c>) against the model they are to quantize, before they are
/// used: every module the calibration of this model records must have statistics and no other name may appear, the
/// recorded shapes must be this model's (the batch dimension aside), and every value must be finite. A file cut short
/// or made for another model or width is thus an error instead of silently wrong quantization ranges.
/// </summary>
public static class StatsValidation
{
    private const int Listed = 5;

    /// <param name="dummyInput">One input of the model's shape; the model is run on it once to learn its modules' shapes.</param>
    /// <param name="source">The file the statistics came from, for the message.</param>
    /// <exception cref="FormatException">The statistics do not fit the model; the message lists what differs.</exception>
    public static void Check(nn.Module<Tensor, Tensor> model, Tensor dummyInput, IReadOnlyDictionary<string, ModuleStats> stats, string source)
    {
        var expected = new QuantCalibrationStatsCollector(model).Collect([dummyInput]);
        var problems = new List<string>();
        var unknown = stats.Keys.Where(n => !expected.ContainsKey(n)).ToList();
        if (unknown.Count > 0)
            problems.Add($"{Count(unknown.Count, "module")} the model does not have ({List(unknown)})");
        var missing = expected.Keys.Where(n => !stats.ContainsKey(n)).ToList();
        if (missing.Count > 0)
            problems.Add($"no statistics for {Count(missing.Count, "module")} of the model ({List(missing)})");
        foreach (var (name, module) in stats)
        {
            foreach (var (where, record) in module.Inputs.Select(i => ($"{name}.inputs.{i.Key}", i.Value)).Append(($"{name}.output", module.Output)))
            {
                var bad = new (string Key, double Value)[]
                {
                    ("min", record.Min), ("max", record.Max), ("avg_min", record.AvgMin), ("avg_max", record.AvgMax),
                    ("mean", record.Mean), ("std", record.Std), ("b", record.B),
                }.Where(v => !double.IsFinite(v.Value)).Select(v => $"{v.Key} {(double.IsNaN(v.Value) ? "NaN" : v.Value > 0 ? "inf" : "-inf")}").ToList();
                if (bad.Count > 0)
                    problems.Add($"{where} is not finite ({string.Join(", ", bad)})");
            }
            if (!expected.TryGetValue(name, out var actual))
                continue;
            Compare($"{name}.output", module.Output, actual.Output, problems);
            foreach (var (index, input) in module.Inputs)
                if (actual.Inputs.TryGetValue(index, out var actualInput))
                    Compare($"{name}.inputs.{index}", input, actualInput, problems);
        }
        if (problems.Count > 0)
            throw new FormatException(
                $"{source}: the statistics do not fit the model: {string.Join("; ", problems.Take(Listed))}" +
                (problems.Count > Listed ? $"; and {problems.Count - Listed} more" : "") +
                ". Collect them for this model with --qe-calibration.");
    }

    /// <summary>Shapes agree in every dimension but the first (the calibration batch size).</summary>
    private static void Compare(string where, TensorStats recorded, TensorStats actual, List<string> problems)
    {
        if (recorded.Shape.Count == 0)
            return; // files without shapes (older Distiller versions) cannot be checked
        if (recorded.Shape.Count != actual.Shape.Count || !recorded.Shape.Skip(1).SequenceEqual(actual.Shape.Skip(1)))
            problems.Add($"{where} has shape ({string.Join(", ", recorded.Shape)}), the model's is (N, {string.Join(", ", actual.Shape.Skip(1))})");
    }

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";

    private static string List(IReadOnlyCollection<string> names) =>
        string.Join(", ", names.Take(Listed)) + (names.Count > Listed ? ", ..." : "");
}
