namespace Distiller.Typed.Pruning;

/// <summary>
/// One entry of <see cref="StructureParameterPruner"/>'s <c>reg_regims</c>: <c>&lt;param-name&gt;: [threshold, group_type]</c>.
/// </summary>
public readonly record struct StructureThreshold(double Threshold, string GroupType);
