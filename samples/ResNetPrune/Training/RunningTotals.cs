using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Training;

/// <summary>
/// An epoch's running sums (sample-weighted losses, correct counts, loss components) kept as scalars on the model's
/// device and read to the host only when asked: at the progress bar's print points and at the end of the pass, not
/// once per minibatch and metric. A NaN or infinite loss stays in its sum, so the next read still sees it.
/// </summary>
public sealed class RunningTotals(Device device) : IDisposable
{
    private readonly Dictionary<string, Tensor> _sums = new(StringComparer.Ordinal);

    /// <summary>Samples added so far.</summary>
    public long Seen { get; private set; }

    /// <summary>Adds <paramref name="samples"/> samples' worth of a minibatch: each loss weighted by the count, each count as is.</summary>
    public void Add(int samples, IEnumerable<(string Name, Tensor Value, bool PerSample)> values)
    {
        Seen += samples;
        using var noGrad = no_grad();
        foreach (var (name, value, perSample) in values)
        {
            if (!_sums.TryGetValue(name, out var sum))
                _sums[name] = sum = zeros(Array.Empty<long>(), dtype: perSample ? ScalarType.Float64 : ScalarType.Int64, device: device).DetachFromDisposeScope();
            if (perSample)
                sum.add_(value.detach(), alpha: samples);
            else
                sum.add_(value.detach());
        }
    }

    /// <summary>The sum of a loss divided by the samples seen (one read to the host); 0 when nothing was added.</summary>
    public double Mean(string name) => Seen == 0 || !_sums.TryGetValue(name, out var sum) ? 0 : sum.item<double>() / Seen;

    /// <summary>A count as a percentage of the samples seen (one read to the host).</summary>
    public double Percent(string name) => Seen == 0 || !_sums.TryGetValue(name, out var sum) ? 0 : 100.0 * sum.item<long>() / Seen;

    /// <summary>The names added so far.</summary>
    public IEnumerable<string> Names => _sums.Keys;

    public void Dispose()
    {
        foreach (var sum in _sums.Values)
            sum.Dispose();
        _sums.Clear();
    }
}
