using Distiller.Typed.Masks;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// Prunes and splices connections: Guo, Yao &amp; Chen, "Dynamic Network Surgery for Efficient DNNs" (NIPS 2016,
/// https://arxiv.org/abs/1608.04493), equation (3), as Distiller's <c>SplicingPruner</c>:
/// <code>
/// s     = sensitivity × ((current_epoch - starting_epoch) × sensitivity_multiplier + 1)   (when the multiplier &gt; 0)
/// a     = (mean|w| + std|w| × s) × low_thresh_mult
/// b     = (mean|w| + std|w| × s) × hi_thresh_mult
/// h(w)  = 0 if |w| &lt; a;  previous mask if a ≤ |w| &lt; b;  1 if |w| ≥ b
/// </code>
/// Weights between the thresholds keep their previous state, and pruned weights whose magnitude grows past
/// <c>b</c> are revived (use it with <c>mask_on_forward_only</c> so pruned weights keep training). The mean and
/// (unbiased) standard deviation of <c>|w|</c> are measured the first time a parameter is pruned and kept, as
/// in Distiller and the authors' Caffe code; they are part of the checkpoint.
/// </summary>
public sealed class SplicingPruner : IPruner, IStateful
{
    private readonly IReadOnlyDictionary<string, double> _sensitivities;
    private readonly Dictionary<string, (double Mean, double Std)> _statistics = new(StringComparer.Ordinal);

    public SplicingPruner(string name, IReadOnlyDictionary<string, double> sensitivities, double lowThreshMult,
        double hiThreshMult, double sensitivityMultiplier = 0)
    {
        Name = ParameterValues.Name(name);
        _sensitivities = ParameterValues.Copy(sensitivities, nameof(sensitivities), requireDefault: false,
            v => !double.IsNaN(v), "numbers");
        if (!(lowThreshMult >= 0))
            throw new ArgumentOutOfRangeException(nameof(lowThreshMult), lowThreshMult, "low_thresh_mult must be 0 or more.");
        if (!(hiThreshMult >= lowThreshMult))
            throw new ArgumentOutOfRangeException(nameof(hiThreshMult), hiThreshMult,
                $"hi_thresh_mult must be at least low_thresh_mult ({lowThreshMult}).");
        if (!(sensitivityMultiplier >= 0))
            throw new ArgumentOutOfRangeException(nameof(sensitivityMultiplier), sensitivityMultiplier,
                "sensitivity_multiplier must be 0 (fixed sensitivity) or more.");
        LowThreshMult = lowThreshMult;
        HiThreshMult = hiThreshMult;
        SensitivityMultiplier = sensitivityMultiplier;
    }

    public string Name { get; }
    public double LowThreshMult { get; }
    public double HiThreshMult { get; }
    public double SensitivityMultiplier { get; }

    public IReadOnlyCollection<string> ParameterNames => _sensitivities.Keys.ToArray();

    public void SetParameterMask(Tensor parameter, string parameterName, MaskDictionary masks, PruningMeta meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        if (ParameterValues.Lookup(_sensitivities, parameterName) is not double sensitivity)
            return;
        if (SensitivityMultiplier > 0)
            sensitivity *= (meta.CurrentEpoch - meta.StartingEpoch) * SensitivityMultiplier + 1;

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var magnitudes = parameter.detach().abs();
        if (!_statistics.TryGetValue(parameterName, out var stats))
            _statistics[parameterName] = stats = (magnitudes.mean().ToDouble(), magnitudes.std(unbiased: true).ToDouble());

        double low = (stats.Mean + stats.Std * sensitivity) * LowThreshMult;
        double high = (stats.Mean + stats.Std * sensitivity) * HiThreshMult;
        var masker = masks[parameterName];
        var current = masker.Mask ?? ones_like(parameter);
        var mask = where(magnitudes.lt(low), zeros_like(current), current);
        mask = where(magnitudes.ge(high), ones_like(current), mask);
        masker.Mask = mask.MoveToOuterDisposeScope();
    }

    public void SaveState(IDictionary<string, object> state)
    {
        foreach (var (name, (mean, std)) in _statistics)
        {
            state["mean/" + name] = mean;
            state["std/" + name] = std;
        }
    }

    public void LoadState(IReadOnlyDictionary<string, object> state)
    {
        _statistics.Clear();
        foreach (var (key, value) in state)
            if (key.StartsWith("mean/", StringComparison.Ordinal))
            {
                var name = key["mean/".Length..];
                if (!state.TryGetValue("std/" + name, out var std))
                    throw new InvalidDataException($"SplicingPruner state has a mean but no std for '{name}'.");
                _statistics[name] = (Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
                    Convert.ToDouble(std, System.Globalization.CultureInfo.InvariantCulture));
            }
    }
}
