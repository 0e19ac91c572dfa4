using System;
using System.Collections.Generic;
using System.Linq;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Catalogue;

/// <summary>
/// One class a schedule may name under <c>class:</c>, with the arguments its constructor takes from YAML. The
/// arguments Distiller's <c>config.build_component</c> supplies itself (<c>model</c>, <c>name</c>,
/// <c>optimizer</c>, and for LR schedulers <c>last_epoch</c>) are not listed: see
/// <see cref="ComponentCatalogue.LoaderSuppliedArguments"/>.
/// </summary>
/// <param name="ClassName">The name as written in YAML and in Distiller, e.g. <c>AutomatedGradualPruner</c>.</param>
/// <param name="Section">The section that declares it.</param>
/// <param name="Summary">What it does, in one or two sentences (with the paper, where there is one).</param>
/// <param name="Parameters">Its YAML arguments in constructor order.</param>
/// <param name="NeedsOptimizer">The loader must hand it the optimizer (LR schedulers; quantizers that train with a float copy).</param>
/// <param name="PostTrainingOnly">It runs after training (PostTrainLinearQuantizer); it needs no policy.</param>
/// <param name="UsesAgpSchedule">
/// Its pruning level follows the AGP schedule over the policy's range, so the policy needs a range whose AGP span
/// <c>((ending − starting − 1) // frequency) * frequency</c> is positive.
/// </param>
/// <param name="Choices">Groups of alternative arguments (at most one of each group).</param>
/// <param name="Source">Where the class is defined, e.g. <c>distiller/pruning/automated_gradual_pruner.py</c>.</param>
/// <param name="Variants">
/// When two classes share the YAML name (PolynomialLR: Distiller's and PyTorch's), which one the given arguments select
/// and the arguments each takes; <see cref="Parameters"/> is then their union. Empty for every other class.
/// </param>
public sealed record ComponentDescriptor(
    string ClassName,
    ScheduleSection Section,
    string Summary,
    EquatableArray<ParameterDescriptor> Parameters,
    bool NeedsOptimizer = false,
    bool PostTrainingOnly = false,
    bool UsesAgpSchedule = false,
    EquatableArray<ParameterChoice> Choices = default,
    string Source = "",
    EquatableArray<ComponentVariant> Variants = default)
{
    public ParameterDescriptor? Parameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);

    /// <summary>
    /// The variant <paramref name="givenArguments"/> select: the one whose <see cref="ComponentVariant.SelectedBy"/>
    /// argument is given, else the default one. Null when the class has no variants or when several selecting arguments
    /// are given (a conflict the caller reports).
    /// </summary>
    public ComponentVariant? SelectVariant(IEnumerable<string> givenArguments)
    {
        if (Variants.IsEmpty)
            return null;
        var given = new HashSet<string>(givenArguments, StringComparer.Ordinal);
        var selected = Variants.Where(v => given.Contains(v.SelectedBy)).ToList();
        return selected.Count switch
        {
            0 => Variants.FirstOrDefault(v => v.IsDefault),
            1 => selected[0],
            _ => null,
        };
    }
}
