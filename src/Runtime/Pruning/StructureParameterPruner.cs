using Distiller.Typed.Masks;
using Distiller.Typed.Thresholding;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// Prunes every structure whose magnitude is at or under a threshold (Distiller's <c>StructureParameterPruner</c>):
/// <code>
/// mask = expand( criterion(group g) &gt; threshold )      criterion: Mean_Abs = ‖g‖₁/|g|, Max = max|gᵢ|
/// </code>
/// using <see cref="GroupThresholds"/>. The mean rather than the plain L1 norm keeps the threshold independent of the
/// structure's size. Distiller accepts only <c>Max</c> and <c>Mean_Abs</c>; the other criteria
/// (<c>Mean_L1, Mean_L2, L1, L2</c>) are accepted too.
/// </summary>
public sealed class StructureParameterPruner : IPruner
{
    public const string ClassName = "StructureParameterPruner";

    private static readonly GroupType[] ThresholdGroups =
        [GroupType.Kernels, GroupType.Rows, GroupType.Cols, GroupType.Filters, GroupType.Channels, GroupType.Layer];

    private readonly Dictionary<string, (double Threshold, GroupType Group)> _regims = new(StringComparer.Ordinal);

    /// <param name="name">The schedule's instance name.</param>
    /// <param name="model">The model; every name in <paramref name="regRegims"/> must be one of its parameters, of a rank its group type supports.</param>
    /// <param name="regRegims">Parameter name → <c>[threshold, group_type]</c>, group types <c>2D, Rows, Cols, 3D/Filters, Channels, 4D</c>.</param>
    /// <param name="thresholdCriteria"><c>Max</c> or <c>Mean_Abs</c> (or <c>Mean_L1, Mean_L2, L1, L2</c>).</param>
    public StructureParameterPruner(string name, nn.Module model, IReadOnlyDictionary<string, StructureThreshold> regRegims, string thresholdCriteria)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, nameof(name));
        ArgumentNullException.ThrowIfNull(model, nameof(model));
        ArgumentNullException.ThrowIfNull(regRegims, "reg_regims");
        var owner = $"{ClassName} '{name}'";
        if (regRegims.Count == 0)
            throw new ArgumentException($"{owner}: reg_regims is empty; name at least one parameter.", "reg_regims");
        ThresholdCriterion = ThresholdCriteria.Parse(thresholdCriteria, owner);
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape, StringComparer.Ordinal);
        foreach (var (parameter, regime) in regRegims)
        {
            if (!shapes.TryGetValue(parameter, out var shape))
                throw new ArgumentException($"{owner}: reg_regims names '{parameter}', which is not a parameter of the model.", "reg_regims");
            if (!double.IsFinite(regime.Threshold))
                throw new ArgumentOutOfRangeException("reg_regims", regime.Threshold, $"{owner}: the threshold of '{parameter}' must be a finite number.");
            var group = GroupTypes.Parse(regime.GroupType, ThresholdGroups, $"{owner}, parameter '{parameter}'");
            GroupTypes.RequireRank(group, shape, parameter, owner);
            _regims[parameter] = (regime.Threshold, group);
        }
        Name = name;
    }

    public string Name { get; }

    public ThresholdCriterion ThresholdCriterion { get; }

    public IReadOnlyCollection<string> ParameterNames => _regims.Keys;

    public void SetParameterMask(Tensor parameter, string parameterName, MaskDictionary masks, PruningMeta meta)
    {
        if (!_regims.TryGetValue(parameterName, out var regime))
            return;
        masks[parameterName].Mask = GroupThresholds.Mask(parameter, regime.Group, regime.Threshold, ThresholdCriterion);
    }
}
