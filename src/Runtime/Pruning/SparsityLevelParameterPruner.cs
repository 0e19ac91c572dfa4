using Distiller.Typed.Masks;
using Distiller.Typed.Thresholding;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// Prunes each parameter to an exact sparsity level (Distiller's level pruner): with
/// <c>k = int(level × numel)</c> and <c>t</c> the k-th smallest <c>|w|</c>, <c>mask = |w| &gt; t</c>.
/// The level comes from the parameter's own entry, else '*', else 0 (a level of 0 leaves the mask alone).
/// </summary>
public sealed class SparsityLevelParameterPruner : ILevelsPruner
{
    private IReadOnlyDictionary<string, double> _levels;

    /// <param name="name">The pruner's name in the schedule.</param>
    /// <param name="levels">Parameter name (or '*') → fraction of elements to prune, in [0, 1].</param>
    public SparsityLevelParameterPruner(string name, IReadOnlyDictionary<string, double> levels)
    {
        Name = ParameterValues.Name(name);
        _levels = Validate(levels, nameof(levels));
    }

    public string Name { get; }

    public IReadOnlyCollection<string> ParameterNames => _levels.Keys.ToArray();

    public IReadOnlyDictionary<string, double> Levels
    {
        get => _levels;
        set => _levels = Validate(value, nameof(Levels));
    }

    public void SetParameterMask(Tensor parameter, string parameterName, MaskDictionary masks, PruningMeta meta)
    {
        var desired = ParameterValues.Lookup(_levels, parameterName) ?? 0;
        if (desired == 0)
            return;
        masks[parameterName].Mask = ElementwiseThresholds.MaskBySparsityLevel(parameter, desired);
    }

    private static IReadOnlyDictionary<string, double> Validate(IReadOnlyDictionary<string, double> levels, string argumentName) =>
        ParameterValues.Copy(levels, argumentName, requireDefault: false, v => v >= 0 && v <= 1, "in [0, 1]");
}
