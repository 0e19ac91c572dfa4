using Distiller.Typed.Masks;
using Distiller.Typed.Thresholding;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// Han et al., "Learning both Weights and Connections for Efficient Neural Networks" (NIPS 2015,
/// https://arxiv.org/abs/1506.02626): <c>threshold = std(w) × s</c>, <c>mask = |w| &gt; threshold</c>, where
/// <c>s</c> is the parameter's sensitivity (else '*'; parameters with neither are left alone). As in Distiller
/// the standard deviation is measured once, the first time a parameter is pruned, and kept: as pruning pulls
/// weights toward zero the fixed threshold traps more of them. The kept values are part of the checkpoint.
/// </summary>
public sealed class SensitivityPruner : IPruner, IStateful
{
    private readonly IReadOnlyDictionary<string, double> _sensitivities;
    private readonly Dictionary<string, double> _stddev = new(StringComparer.Ordinal);

    /// <param name="name">The pruner's name in the schedule.</param>
    /// <param name="sensitivities">Parameter name (or '*') → multiple of the standard deviation.</param>
    public SensitivityPruner(string name, IReadOnlyDictionary<string, double> sensitivities)
    {
        Name = ParameterValues.Name(name);
        _sensitivities = ParameterValues.Copy(sensitivities, nameof(sensitivities), requireDefault: false,
            v => v >= 0 && !double.IsNaN(v), "0 or more");
    }

    public string Name { get; }

    public IReadOnlyCollection<string> ParameterNames => _sensitivities.Keys.ToArray();

    public void SetParameterMask(Tensor parameter, string parameterName, MaskDictionary masks, PruningMeta meta)
    {
        if (ParameterValues.Lookup(_sensitivities, parameterName) is not double sensitivity)
            return;
        if (!_stddev.TryGetValue(parameterName, out var std))
            _stddev[parameterName] = std = ElementwiseThresholds.StandardDeviation(parameter);
        masks[parameterName].Mask = ElementwiseThresholds.MaskByThreshold(parameter, std * sensitivity);
    }

    public void SaveState(IDictionary<string, object> state)
    {
        foreach (var (name, std) in _stddev)
            state["stddev/" + name] = std;
    }

    public void LoadState(IReadOnlyDictionary<string, object> state)
    {
        _stddev.Clear();
        foreach (var (key, value) in state)
            if (key.StartsWith("stddev/", StringComparison.Ordinal))
                _stddev[key["stddev/".Length..]] = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
