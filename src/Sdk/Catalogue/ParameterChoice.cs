using Distiller.Typed.Schedules;

namespace Distiller.Typed.Catalogue;

/// <summary>
/// Arguments of a component that name the same thing in two vocabularies (e.g. PolynomialLR's Distiller
/// <c>T_max</c> and PyTorch <c>total_iters</c>): at most one may be given, and exactly one when
/// <see cref="Required"/>.
/// </summary>
public sealed record ParameterChoice(EquatableArray<string> Names, bool Required, string Reason);
