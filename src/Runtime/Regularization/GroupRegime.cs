namespace Distiller.Typed.Regularization;

/// <summary>
/// One entry of a group regularizer's <c>reg_regims</c>: <c>&lt;param-name&gt;: [lambda, group_type]</c>.
/// <paramref name="Strength"/> is λ; <paramref name="GroupType"/> is Distiller's spelling (<c>'2D'</c>, <c>'Rows'</c> ...).
/// </summary>
public readonly record struct GroupRegime(double Strength, string GroupType);
