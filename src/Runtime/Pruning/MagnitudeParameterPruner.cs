using Distiller.Typed.Masks;
using Distiller.Typed.Thresholding;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// Distiller's most basic magnitude pruner: <c>mask = |w| &gt; threshold</c>, with one threshold per parameter
/// and the mandatory default <c>'*'</c> for every other parameter (so it masks every parameter it is called on).
/// </summary>
public sealed class MagnitudeParameterPruner : IPruner
{
    private readonly IReadOnlyDictionary<string, double> _thresholds;

    /// <param name="name">The pruner's name in the schedule.</param>
    /// <param name="thresholds">Parameter name → threshold; must include '*'.</param>
    public MagnitudeParameterPruner(string name, IReadOnlyDictionary<string, double> thresholds)
    {
        Name = ParameterValues.Name(name);
        _thresholds = ParameterValues.Copy(thresholds, nameof(thresholds), requireDefault: true,
            v => v >= 0 && !double.IsNaN(v), "0 or more");
    }

    public string Name { get; }

    public IReadOnlyCollection<string> ParameterNames => _thresholds.Keys.ToArray();

    public IReadOnlyDictionary<string, double> Thresholds => _thresholds;

    public void SetParameterMask(Tensor parameter, string parameterName, MaskDictionary masks, PruningMeta meta)
    {
        var threshold = ParameterValues.Lookup(_thresholds, parameterName)!.Value;
        masks[parameterName].Mask = ElementwiseThresholds.MaskByThreshold(parameter, threshold);
    }
}
