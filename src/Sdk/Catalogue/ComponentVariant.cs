using Distiller.Typed.Schedules;

namespace Distiller.Typed.Catalogue;

/// <summary>
/// One of two classes that share a YAML <c>class:</c> name, told apart by the arguments given. Distiller's
/// <c>config.py</c> imports <c>distiller.learning_rate</c> after <c>torch.optim.lr_scheduler</c>, so in Distiller
/// <c>PolynomialLR</c> always meant its own <c>(T_max, power)</c>; torch (≥ 1.13) has <c>PolynomialLR(total_iters, power)</c>,
/// which stops decaying at <c>total_iters</c>. Here <c>T_max</c> selects Distiller's, <c>total_iters</c> torch's, both is
/// an error and neither is torch's with its defaults.
/// </summary>
/// <param name="QualifiedName">
/// The full Python name, e.g. <c>distiller.learning_rate.PolynomialLR</c>. A schedule always writes the short name; the
/// runtime's <c>LrSchedulerFactory.Create</c> also takes the qualified one, which picks this variant explicitly.
/// </param>
/// <param name="SelectedBy">The argument whose presence selects this variant.</param>
/// <param name="IsDefault">Selected when no variant's <see cref="SelectedBy"/> argument is given.</param>
/// <param name="Summary">The variant's formula.</param>
/// <param name="Parameters">The arguments this variant takes, with its own required-ness and defaults.</param>
public sealed record ComponentVariant(
    string QualifiedName,
    string SelectedBy,
    bool IsDefault,
    string Summary,
    EquatableArray<ParameterDescriptor> Parameters);
