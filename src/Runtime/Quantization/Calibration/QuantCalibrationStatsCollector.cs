using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Calibration;

/// <summary>
/// Collects the activation statistics post-training quantization needs, for every input and the output of every
/// leaf module (Distiller's <c>QuantCalibrationStatsCollector</c>). A first pass over the data gathers min, max,
/// avg_min / avg_max (per-sample extremes averaged, with Distiller's running-mean weighting), mean, shape and
/// total_numel; a second pass gathers std (population) and b = mean|x − mean| around the first pass's mean.
/// </summary>
public sealed class QuantCalibrationStatsCollector
{
    private sealed class Record
    {
        public double Min = double.PositiveInfinity, Max = double.NegativeInfinity, AvgMin, AvgMax, Mean, Std, B;
        public long[] Shape = Array.Empty<long>();
        public long TotalNumel;

        public TensorStats ToStats() => new()
        {
            Min = Min, Max = Max, AvgMin = AvgMin, AvgMax = AvgMax, Mean = Mean, Std = Std, B = B, Shape = Shape, TotalNumel = TotalNumel,
        };
    }

    private sealed class ModuleRecords
    {
        public readonly List<Record> Inputs = new();
        public readonly Record Output = new();
    }

    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly Func<string, nn.Module, bool>? _filter;

    /// <param name="model">The model, called with <c>call()</c> on each batch (so its hooks run).</param>
    /// <param name="filter">Which leaf modules to track (all when null), by name and module.</param>
    public QuantCalibrationStatsCollector(nn.Module<Tensor, Tensor> model, Func<string, nn.Module, bool>? filter = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _filter = filter;
    }

    /// <summary>Runs the model (eval mode, no gradients) over <paramref name="batches"/> twice and returns the statistics by module name.</summary>
    public IReadOnlyDictionary<string, ModuleStats> Collect(IEnumerable<Tensor> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var records = new Dictionary<string, ModuleRecords>();
        bool wasTraining = _model.training;
        _model.eval();
        try
        {
            RunPass(batches, records, secondPass: false);
            if (records.Count == 0)
                throw new ArgumentException("No batch was given (or no module ran): nothing to calibrate.", nameof(batches));
            foreach (var r in records.Values)
            {
                foreach (var i in r.Inputs) i.TotalNumel = 0;
                r.Output.TotalNumel = 0;
            }
            RunPass(batches, records, secondPass: true);
        }
        finally
        {
            _model.train(wasTraining);
        }
        var names = _model.named_modules().Select(m => m.name).ToList();
        return names.Where(records.ContainsKey).ToDictionary(n => n, n => new ModuleStats(
            records[n].Inputs.Select((r, i) => (r, i)).ToDictionary(x => x.i, x => x.r.ToStats()),
            records[n].Output.ToStats()));
    }

    private void RunPass(IEnumerable<Tensor> batches, Dictionary<string, ModuleRecords> records, bool secondPass)
    {
        using var noGrad = torch.no_grad();
        using var observation = ModuleObservation.Observe(_model, (name, _, inputs, output) =>
        {
            using var scope = torch.NewDisposeScope();
            if (!records.TryGetValue(name, out var rec))
            {
                if (secondPass)
                    return;
                records[name] = rec = new ModuleRecords();
            }
            while (rec.Inputs.Count < inputs.Length)
                rec.Inputs.Add(new Record());
            for (int i = 0; i < inputs.Length; i++)
                Update(rec.Inputs[i], inputs[i], secondPass);
            Update(rec.Output, output, secondPass);
        }, _filter);
        foreach (var batch in batches)
        {
            using var scope = torch.NewDisposeScope();
            _model.call(batch);
        }
    }

    private static double RunningMean(Tensor values, double prevMean, long totalSoFar) =>
        (totalSoFar * prevMean + values.sum().to(ScalarType.Float64).item<double>()) / (totalSoFar + values.numel());

    private static void Update(Record record, Tensor tensor, bool secondPass)
    {
        var t = tensor.is_floating_point() ? tensor : tensor.to(ScalarType.Float32);
        var act = t.contiguous().reshape(t.shape.Length == 0 ? 1 : t.shape[0], -1);
        long numel = act.numel();
        if (secondPass)
        {
            record.B = RunningMean((act - record.Mean).abs(), record.B, record.TotalNumel);
            double variance = RunningMean((act - record.Mean).pow(2), record.Std * record.Std, record.TotalNumel);
            record.Std = Math.Sqrt(variance);
            record.TotalNumel += numel;
            return;
        }
        // Per-sample extremes, or whole-batch ones when each sample holds a single value (as in Distiller).
        int dim = numel == act.shape[0] ? 0 : 1;
        var minPerSample = act.amin(dim);
        var maxPerSample = act.amax(dim);
        record.Min = Math.Min(record.Min, minPerSample.min().to(ScalarType.Float64).item<double>());
        record.Max = Math.Max(record.Max, maxPerSample.max().to(ScalarType.Float64).item<double>());
        record.AvgMin = RunningMean(minPerSample, record.AvgMin, record.TotalNumel);
        record.AvgMax = RunningMean(maxPerSample, record.AvgMax, record.TotalNumel);
        record.Mean = RunningMean(act, record.Mean, record.TotalNumel);
        record.TotalNumel += numel;
        if (record.Shape.Length == 0)
            record.Shape = t.shape;
    }
}
