using System;
using System.Collections.Generic;
using System.Linq;

namespace Distiller.Typed.LearningRate;

// Plain data only (no TorchSharp types, netstandard2.0-compatible) so the Sdk's component catalogue can mirror or link it
// for model-free validation.

/// <summary>What a YAML value of an LR-scheduler argument must be.</summary>
public enum LrArgumentKind
{
    /// <summary>An integer (a float with no fractional part is accepted).</summary>
    Int,
    /// <summary>A number.</summary>
    Float,
    /// <summary>true / false.</summary>
    Bool,
    /// <summary>One of <see cref="LrSchedulerParameter.AllowedValues"/>.</summary>
    String,
    /// <summary>A list of integers.</summary>
    IntList,
    /// <summary>A list of numbers.</summary>
    FloatList,
    /// <summary>A number, or a list with one number per optimizer parameter group.</summary>
    FloatOrFloatList,
}

/// <summary>Where a scheduler class comes from: <c>torch.optim.lr_scheduler</c> or <c>distiller.learning_rate</c>.</summary>
public enum LrSchedulerOrigin
{
    Torch,
    Distiller,
}

/// <summary>One constructor argument of an LR scheduler, spelled as PyTorch / Distiller spell it.</summary>
/// <param name="Name">The keyword argument's name (e.g. <c>step_size</c>).</param>
/// <param name="Kind">What the value must be.</param>
/// <param name="Required">True when the constructor has no default for it.</param>
/// <param name="Default">The default as Python writes it (<c>0.1</c>, <c>None</c>, <c>'min'</c>), null when required.</param>
/// <param name="Description">One line for diagnostics and docs.</param>
/// <param name="AllowedValues">For <see cref="LrArgumentKind.String"/>: the accepted values.</param>
public sealed record LrSchedulerParameter(
    string Name,
    LrArgumentKind Kind,
    bool Required,
    string? Default,
    string Description,
    IReadOnlyList<string>? AllowedValues = null);

/// <summary>One LR-scheduler class a schedule's <c>lr_schedulers</c> section may name.</summary>
/// <param name="ClassName">The <c>class:</c> value.</param>
/// <param name="Origin">torch or Distiller (only PolynomialLR exists in both; see <see cref="LrSchedulerCatalogue.Resolve"/>).</param>
/// <param name="Summary">What it does, with its formula.</param>
/// <param name="Parameters">Its keyword arguments (without <c>optimizer</c>, which the runtime supplies).</param>
/// <param name="UnsupportedReason">Null when the runtime can build it; otherwise why a YAML schedule cannot use it.</param>
public sealed record LrSchedulerDescription(
    string ClassName,
    LrSchedulerOrigin Origin,
    string Summary,
    IReadOnlyList<LrSchedulerParameter> Parameters,
    string? UnsupportedReason = null)
{
    public bool IsSupported => UnsupportedReason is null;

    /// <summary>"torch.optim.lr_scheduler.StepLR" or "distiller.learning_rate.PolynomialLR".</summary>
    public string QualifiedName => (Origin == LrSchedulerOrigin.Torch ? "torch.optim.lr_scheduler." : "distiller.learning_rate.") + ClassName;

    public LrSchedulerParameter? FindParameter(string name)
    {
        foreach (var parameter in Parameters)
            if (parameter.Name == name)
                return parameter;
        return null;
    }

    /// <summary>"step_size, gamma, last_epoch, verbose" — for error messages.</summary>
    public string ParameterList => string.Join(", ", Parameters.Select(p => p.Name));
}

/// <summary>
/// Every <c>torch.optim.lr_scheduler</c> class TorchSharp 0.107.0 has, torch's <c>CosineAnnealingWarmRestarts</c> (which it lacks;
/// implemented here), plus Distiller's own <c>PolynomialLR</c> and
/// <c>MultiStepMultiGammaLR</c>, with their arguments as PyTorch names them.
/// </summary>
/// <remarks>
/// <para><b>The PolynomialLR name clash.</b> torch (≥ 1.13) and Distiller both define <c>PolynomialLR</c> with different
/// formulas: torch's <c>(total_iters, power)</c> decays to 0 at <c>total_iters</c> and then stays there; Distiller's
/// <c>(T_max, power)</c> is <c>base_lr·(1 − epoch/T_max)^power</c>. Distiller's <c>config.py</c> imports
/// <c>distiller.learning_rate</c> after <c>torch.optim.lr_scheduler</c>, so in Distiller the name always meant Distiller's
/// class. Rule here: an argument named <c>T_max</c> selects Distiller's class; <c>total_iters</c> selects torch's; both
/// at once is an error; neither selects torch's (Distiller's would fail for the missing <c>T_max</c>).
/// The qualified names <c>distiller.learning_rate.PolynomialLR</c> and <c>torch.optim.lr_scheduler.PolynomialLR</c> pick one
/// explicitly.</para>
/// <para>Classes listed with an <see cref="LrSchedulerDescription.UnsupportedReason"/> are known names that cannot be built from
/// YAML (they take Python functions or scheduler objects); naming them gives that reason.</para>
/// </remarks>
public static class LrSchedulerCatalogue
{
    private static readonly LrSchedulerParameter LastEpoch =
        new("last_epoch", LrArgumentKind.Int, false, "-1", "The index of the last epoch; Distiller passes the resumed epoch here.");

    private static readonly LrSchedulerParameter Verbose =
        new("verbose", LrArgumentKind.Bool, false, "False", "Print a message on every LR change.");

    public static IReadOnlyList<LrSchedulerDescription> All { get; } = new[]
    {
        new LrSchedulerDescription("StepLR", LrSchedulerOrigin.Torch,
            "lr = base_lr · gamma^⌊epoch / step_size⌋",
            new[]
            {
                new LrSchedulerParameter("step_size", LrArgumentKind.Int, true, null, "Period of learning-rate decay, in epochs (> 0)."),
                new LrSchedulerParameter("gamma", LrArgumentKind.Float, false, "0.1", "Multiplicative factor of the decay."),
                LastEpoch, Verbose,
            }),
        new LrSchedulerDescription("MultiStepLR", LrSchedulerOrigin.Torch,
            "lr = base_lr · gamma^(number of milestones ≤ epoch)",
            new[]
            {
                new LrSchedulerParameter("milestones", LrArgumentKind.IntList, true, null, "Epoch indices at which the LR decays."),
                new LrSchedulerParameter("gamma", LrArgumentKind.Float, false, "0.1", "Multiplicative factor of the decay."),
                LastEpoch, Verbose,
            }),
        new LrSchedulerDescription("ExponentialLR", LrSchedulerOrigin.Torch,
            "lr = base_lr · gamma^epoch",
            new[]
            {
                new LrSchedulerParameter("gamma", LrArgumentKind.Float, true, null, "Multiplicative factor of the decay per epoch."),
                LastEpoch, Verbose,
            }),
        new LrSchedulerDescription("CosineAnnealingLR", LrSchedulerOrigin.Torch,
            "lr = eta_min + (base_lr − eta_min) · (1 + cos(π · epoch / T_max)) / 2  (SGDR, Loshchilov & Hutter 2017)",
            new[]
            {
                new LrSchedulerParameter("T_max", LrArgumentKind.Int, true, null, "Half period of the cosine, in epochs (> 0)."),
                new LrSchedulerParameter("eta_min", LrArgumentKind.Float, false, "0", "Minimum learning rate."),
                LastEpoch, Verbose,
            }),
        new LrSchedulerDescription("ReduceLROnPlateau", LrSchedulerOrigin.Torch,
            "lr = max(lr · factor, min_lr) after more than `patience` epochs without improving the metric",
            new[]
            {
                new LrSchedulerParameter("mode", LrArgumentKind.String, false, "'min'", "'min': the metric should fall (loss); 'max': it should rise (top1).", new[] { "min", "max" }),
                new LrSchedulerParameter("factor", LrArgumentKind.Float, false, "0.1", "Factor by which the LR is reduced (< 1)."),
                new LrSchedulerParameter("patience", LrArgumentKind.Int, false, "10", "Epochs with no improvement tolerated before reducing."),
                new LrSchedulerParameter("threshold", LrArgumentKind.Float, false, "0.0001", "Minimum change that counts as an improvement."),
                new LrSchedulerParameter("threshold_mode", LrArgumentKind.String, false, "'rel'", "'rel': relative to the best; 'abs': absolute.", new[] { "rel", "abs" }),
                new LrSchedulerParameter("cooldown", LrArgumentKind.Int, false, "0", "Epochs to wait after a reduction before counting bad epochs again."),
                new LrSchedulerParameter("min_lr", LrArgumentKind.FloatOrFloatList, false, "0", "Lower bound on the LR (per parameter group if a list)."),
                new LrSchedulerParameter("eps", LrArgumentKind.Float, false, "1e-08", "Reductions smaller than this are ignored."),
                Verbose,
            }),
        new LrSchedulerDescription("CyclicLR", LrSchedulerOrigin.Torch,
            "Cyclical learning rates between base_lr and max_lr (Smith 2017, arXiv:1506.01186)",
            new[]
            {
                new LrSchedulerParameter("base_lr", LrArgumentKind.FloatOrFloatList, true, null, "Lower boundary of the cycle."),
                new LrSchedulerParameter("max_lr", LrArgumentKind.FloatOrFloatList, true, null, "Upper boundary of the cycle."),
                new LrSchedulerParameter("step_size_up", LrArgumentKind.Int, false, "2000", "Steps in the increasing half of a cycle."),
                new LrSchedulerParameter("step_size_down", LrArgumentKind.Int, false, "None", "Steps in the decreasing half (None: step_size_up)."),
                new LrSchedulerParameter("mode", LrArgumentKind.String, false, "'triangular'", "Cycle amplitude policy.", new[] { "triangular", "triangular2", "exp_range" }),
                new LrSchedulerParameter("gamma", LrArgumentKind.Float, false, "1.0", "Decay constant of 'exp_range'."),
                new LrSchedulerParameter("scale_mode", LrArgumentKind.String, false, "'cycle'", "Whether the scale is evaluated per cycle or per iteration.", new[] { "cycle", "iterations" }),
                new LrSchedulerParameter("cycle_momentum", LrArgumentKind.Bool, false, "True", "Cycle momentum inversely to the LR (needs an optimizer with momentum)."),
                new LrSchedulerParameter("base_momentum", LrArgumentKind.FloatOrFloatList, false, "0.8", "Lower momentum boundary."),
                new LrSchedulerParameter("max_momentum", LrArgumentKind.FloatOrFloatList, false, "0.9", "Upper momentum boundary."),
                LastEpoch, Verbose,
            }),
        new LrSchedulerDescription("OneCycleLR", LrSchedulerOrigin.Torch,
            "The 1cycle policy (Smith & Topin 2018, arXiv:1708.07120)",
            new[]
            {
                new LrSchedulerParameter("max_lr", LrArgumentKind.FloatOrFloatList, true, null, "Upper LR boundary."),
                new LrSchedulerParameter("total_steps", LrArgumentKind.Int, false, "None", "Steps in the cycle (or give epochs and steps_per_epoch)."),
                new LrSchedulerParameter("epochs", LrArgumentKind.Int, false, "None", "Epochs to train for (with steps_per_epoch)."),
                new LrSchedulerParameter("steps_per_epoch", LrArgumentKind.Int, false, "None", "Steps per epoch (with epochs)."),
                new LrSchedulerParameter("pct_start", LrArgumentKind.Float, false, "0.3", "Fraction of the cycle spent increasing the LR."),
                new LrSchedulerParameter("anneal_strategy", LrArgumentKind.String, false, "'cos'", "Annealing curve.", new[] { "cos", "linear" }),
                new LrSchedulerParameter("cycle_momentum", LrArgumentKind.Bool, false, "True", "Cycle momentum inversely to the LR."),
                new LrSchedulerParameter("base_momentum", LrArgumentKind.FloatOrFloatList, false, "0.85", "Lower momentum boundary."),
                new LrSchedulerParameter("max_momentum", LrArgumentKind.FloatOrFloatList, false, "0.95", "Upper momentum boundary."),
                new LrSchedulerParameter("div_factor", LrArgumentKind.Float, false, "25.0", "initial_lr = max_lr / div_factor."),
                new LrSchedulerParameter("final_div_factor", LrArgumentKind.Float, false, "10000.0", "min_lr = initial_lr / final_div_factor."),
                new LrSchedulerParameter("three_phase", LrArgumentKind.Bool, false, "False", "Use the three-phase schedule."),
                LastEpoch, Verbose,
            }),
        new LrSchedulerDescription("PolynomialLR", LrSchedulerOrigin.Torch,
            "lr = base_lr · (1 − min(epoch, total_iters) / total_iters)^power",
            new[]
            {
                new LrSchedulerParameter("total_iters", LrArgumentKind.Int, false, "5", "Steps over which the LR decays to 0 (> 0)."),
                new LrSchedulerParameter("power", LrArgumentKind.Float, false, "1.0", "Power of the polynomial."),
                LastEpoch, Verbose,
            }),
        new LrSchedulerDescription("PolynomialLR", LrSchedulerOrigin.Distiller,
            "Distiller's: lr = base_lr · (1 − epoch / T_max)^power",
            new[]
            {
                new LrSchedulerParameter("T_max", LrArgumentKind.Int, true, null, "Maximum number of epochs (> 0)."),
                new LrSchedulerParameter("power", LrArgumentKind.Float, true, null, "Degree of the polynomial."),
                LastEpoch,
            }),
        new LrSchedulerDescription("MultiStepMultiGammaLR", LrSchedulerOrigin.Distiller,
            "lr = base_lr · gammas[0] · … · gammas[k−1], k = number of milestones ≤ epoch",
            new[]
            {
                new LrSchedulerParameter("milestones", LrArgumentKind.IntList, true, null, "Epoch indices, increasing."),
                new LrSchedulerParameter("gammas", LrArgumentKind.FloatList, true, null, "One multiplicative factor per milestone."),
                LastEpoch,
            }),
        new LrSchedulerDescription("LinearLR", LrSchedulerOrigin.Torch,
            "lr = base_lr · (start_factor + (end_factor − start_factor) · min(epoch, total_iters) / total_iters)",
            new[]
            {
                new LrSchedulerParameter("start_factor", LrArgumentKind.Float, false, "0.3333333333333333", "Factor applied in the first epoch (0 < f ≤ 1)."),
                new LrSchedulerParameter("end_factor", LrArgumentKind.Float, false, "1.0", "Factor reached at total_iters (0 ≤ f ≤ 1)."),
                new LrSchedulerParameter("total_iters", LrArgumentKind.Int, false, "5", "Steps to go from start_factor to end_factor (> 0)."),
                LastEpoch, Verbose,
            }),
        new LrSchedulerDescription("ConstantLR", LrSchedulerOrigin.Torch,
            "lr = base_lr · factor while epoch < total_iters, then base_lr",
            new[]
            {
                new LrSchedulerParameter("factor", LrArgumentKind.Float, false, "0.3333333333333333", "Factor applied until total_iters (0 ≤ f ≤ 1)."),
                new LrSchedulerParameter("total_iters", LrArgumentKind.Int, false, "5", "Steps during which the factor applies."),
                LastEpoch, Verbose,
            }),
        new LrSchedulerDescription("LambdaLR", LrSchedulerOrigin.Torch,
            "lr = base_lr · lr_lambda(epoch)",
            new[] { new LrSchedulerParameter("lr_lambda", LrArgumentKind.String, true, null, "A Python function of the epoch.") , LastEpoch, Verbose },
            "its lr_lambda argument is a function, which a YAML schedule cannot express; construct torch.optim.lr_scheduler.LambdaLR in code and pass it to LRPolicy"),
        new LrSchedulerDescription("MultiplicativeLR", LrSchedulerOrigin.Torch,
            "lr = lr_prev · lr_lambda(epoch)",
            new[] { new LrSchedulerParameter("lr_lambda", LrArgumentKind.String, true, null, "A Python function of the epoch."), LastEpoch, Verbose },
            "its lr_lambda argument is a function, which a YAML schedule cannot express; construct torch.optim.lr_scheduler.MultiplicativeLR in code and pass it to LRPolicy"),
        new LrSchedulerDescription("SequentialLR", LrSchedulerOrigin.Torch,
            "Runs one scheduler after another at the given milestones",
            new[]
            {
                new LrSchedulerParameter("schedulers", LrArgumentKind.String, true, null, "Scheduler objects."),
                new LrSchedulerParameter("milestones", LrArgumentKind.IntList, true, null, "Epochs at which the next scheduler takes over."),
                LastEpoch,
            },
            "its schedulers argument takes scheduler objects, which a Distiller YAML schedule cannot express; construct it in code and pass it to LRPolicy"),
        new LrSchedulerDescription("ChainedScheduler", LrSchedulerOrigin.Torch,
            "Steps several schedulers at once (TorchSharp: ChainedLR)",
            new[] { new LrSchedulerParameter("schedulers", LrArgumentKind.String, true, null, "Scheduler objects.") },
            "its schedulers argument takes scheduler objects, which a Distiller YAML schedule cannot express; construct torch.optim.lr_scheduler.ChainedLR in code and pass it to LRPolicy"),
        new LrSchedulerDescription("CosineAnnealingWarmRestarts", LrSchedulerOrigin.Torch,
            "SGDR: lr = eta_min + (base_lr − eta_min) · (1 + cos(π · T_cur / T_i)) / 2, T_i = T_0 · T_mult^i (TorchSharp lacks it; implemented here)",
            new[]
            {
                new LrSchedulerParameter("T_0", LrArgumentKind.Int, true, null, "Epochs until the first restart (> 0)."),
                new LrSchedulerParameter("T_mult", LrArgumentKind.Int, false, "1", "Period growth factor after a restart (>= 1)."),
                new LrSchedulerParameter("eta_min", LrArgumentKind.Float, false, "0", "Minimum learning rate."),
                LastEpoch, Verbose,
            }),
    };

    /// <summary>The supported class names, for "valid values" lists.</summary>
    public static IReadOnlyList<string> SupportedClassNames { get; } =
        All.Where(d => d.IsSupported).Select(d => d.ClassName).Distinct().ToArray();

    /// <summary>
    /// The description a <c>class:</c> value with these argument names means, applying the PolynomialLR rule
    /// (see the class remarks). Throws <see cref="ArgumentException"/> naming the valid classes when the name is unknown,
    /// or the reason when the class cannot be built from YAML.
    /// </summary>
    public static LrSchedulerDescription Resolve(string className, IEnumerable<string> argumentNames)
    {
        if (className is null)
            throw new ArgumentNullException(nameof(className));
        var names = new HashSet<string>(argumentNames ?? throw new ArgumentNullException(nameof(argumentNames)), StringComparer.Ordinal);

        LrSchedulerDescription? found = className switch
        {
            "torch.optim.lr_scheduler.PolynomialLR" => Find("PolynomialLR", LrSchedulerOrigin.Torch),
            "distiller.learning_rate.PolynomialLR" => Find("PolynomialLR", LrSchedulerOrigin.Distiller),
            "PolynomialLR" => ResolvePolynomial(names),
            _ => All.FirstOrDefault(d => d.ClassName == className || d.QualifiedName == className),
        };

        if (found is null)
        {
            var nearest = All.FirstOrDefault(d => string.Equals(d.ClassName, className, StringComparison.OrdinalIgnoreCase));
            var hint = nearest is null ? "" : $" Did you mean '{nearest.ClassName}'? Class names are case-sensitive.";
            throw new ArgumentException(
                $"Unknown LR scheduler class '{className}'.{hint} Valid classes: {string.Join(", ", SupportedClassNames)}.",
                nameof(className));
        }

        if (!found.IsSupported)
            throw new ArgumentException($"LR scheduler '{className}' cannot be used in a schedule: {found.UnsupportedReason}.", nameof(className));
        return found;
    }

    private static LrSchedulerDescription ResolvePolynomial(HashSet<string> names)
    {
        var distiller = names.Contains("T_max");
        var torch = names.Contains("total_iters");
        if (distiller && torch)
            throw new ArgumentException(
                "PolynomialLR was given both 'T_max' (Distiller's PolynomialLR: T_max, power) and 'total_iters' (torch's PolynomialLR: total_iters, power); give one of them.",
                nameof(names));
        return Find("PolynomialLR", distiller ? LrSchedulerOrigin.Distiller : LrSchedulerOrigin.Torch);
    }

    private static LrSchedulerDescription Find(string className, LrSchedulerOrigin origin) =>
        All.Single(d => d.ClassName == className && d.Origin == origin);
}
