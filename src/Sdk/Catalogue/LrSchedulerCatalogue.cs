using Distiller.Typed.Schedules;

namespace Distiller.Typed.Catalogue;

/// <summary>
/// The <c>torch.optim.lr_scheduler</c> classes a schedule can configure (PyTorch's argument names and defaults; those
/// TorchSharp 0.107 has, plus <c>CosineAnnealingWarmRestarts</c>, which the runtime implements), and Distiller's own
/// (distiller/learning_rate.py). <c>PolynomialLR</c> names two classes; see <see cref="ComponentVariant"/>. Every torch
/// class but ReduceLROnPlateau also takes the loader-supplied <c>last_epoch</c>; PyTorch's deprecated <c>verbose</c> is
/// still accepted where torch's constructor has it, so schedules that set it keep loading.
/// </summary>
internal static class LrSchedulerCatalogue
{
    private const ScheduleSection Section = ScheduleSection.LrSchedulers;
    private const string Torch = "torch/optim/lr_scheduler.py (TorchSharp: torch.optim.lr_scheduler)";

    public static EquatableArray<ComponentDescriptor> All { get; } = EquatableArray.Create(
        Scheduler("StepLR", "Multiplies the learning rate by gamma every step_size epochs: lr = base_lr × gamma^⌊epoch / step_size⌋.",
            new ParameterDescriptor("step_size", ParameterType.Int, "Epochs between decays.", Required: true, Range: ValueRange.GreaterThan(0)),
            Gamma("0.1"), Verbose),

        Scheduler("MultiStepLR", "Multiplies the learning rate by gamma at each milestone epoch: lr = base_lr × gamma^(milestones ≤ epoch).",
            new ParameterDescriptor("milestones", ParameterType.IntList, "Epochs at which to decay.", Required: true, Range: ValueRange.AtLeast(0)),
            Gamma("0.1"), Verbose),

        Scheduler("ExponentialLR", "Multiplies the learning rate by gamma every epoch: lr = base_lr × gamma^epoch.",
            Gamma(null), Verbose),

        Scheduler("CosineAnnealingLR", "Anneals the learning rate from its initial value to eta_min along a cosine over T_max epochs (Loshchilov & Hutter, SGDR, arXiv:1608.03983).",
            new ParameterDescriptor("T_max", ParameterType.Int, "Epochs of the half cosine period.", Required: true, Range: ValueRange.GreaterThan(0)),
            EtaMin, Verbose),

        Scheduler("ReduceLROnPlateau", "Multiplies the learning rate by factor when a metric stops improving for patience epochs: lr = max(lr × factor, min_lr). Takes no last_epoch.",
            new ParameterDescriptor("mode", ParameterType.String, "'min': the metric should decrease; 'max': increase.", Default: "min", AllowedValues: EquatableArray.Create("min", "max")),
            new ParameterDescriptor("factor", ParameterType.Float, "Decay factor, below 1.", Default: "0.1", Range: new ValueRange(0, false, 1, false)),
            new ParameterDescriptor("patience", ParameterType.Int, "Epochs without improvement before decaying.", Default: "10", Range: ValueRange.AtLeast(0)),
            new ParameterDescriptor("threshold", ParameterType.Float, "Smallest change that counts as an improvement.", Default: "0.0001", Range: ValueRange.AtLeast(0)),
            new ParameterDescriptor("threshold_mode", ParameterType.String, "'rel': threshold is relative; 'abs': absolute.", Default: "rel", AllowedValues: EquatableArray.Create("rel", "abs")),
            new ParameterDescriptor("cooldown", ParameterType.Int, "Epochs to wait after a decay before watching again.", Default: "0", Range: ValueRange.AtLeast(0)),
            new ParameterDescriptor("min_lr", ParameterType.FloatOrFloatList, "Lower bound on the learning rate (one per parameter group, or one for all).", Default: "0", Range: ValueRange.AtLeast(0)),
            new ParameterDescriptor("eps", ParameterType.Float, "Decays smaller than this are skipped.", Default: "1e-08", Range: ValueRange.AtLeast(0)),
            Verbose),

        Scheduler("CyclicLR", "Cycles the learning rate between base_lr and max_lr (Smith, 'Cyclical Learning Rates', arXiv:1506.01186).",
            new ParameterDescriptor("base_lr", ParameterType.FloatOrFloatList, "Lower learning-rate boundary.", Required: true, Range: ValueRange.AtLeast(0)),
            new ParameterDescriptor("max_lr", ParameterType.FloatOrFloatList, "Upper learning-rate boundary.", Required: true, Range: ValueRange.AtLeast(0)),
            new ParameterDescriptor("step_size_up", ParameterType.Int, "Steps in the increasing half of a cycle.", Default: "2000", Range: ValueRange.GreaterThan(0)),
            new ParameterDescriptor("step_size_down", ParameterType.Int, "Steps in the decreasing half; null: step_size_up.", Default: "null", Nullable: true, Range: ValueRange.GreaterThan(0)),
            new ParameterDescriptor("mode", ParameterType.String, "Cycle amplitude policy.", Default: "triangular", AllowedValues: EquatableArray.Create("triangular", "triangular2", "exp_range")),
            new ParameterDescriptor("gamma", ParameterType.Float, "Decay base of mode exp_range.", Default: "1.0", Range: ValueRange.GreaterThan(0)),
            new ParameterDescriptor("scale_mode", ParameterType.String, "Whether the scale follows cycles or iterations.", Default: "cycle", AllowedValues: EquatableArray.Create("cycle", "iterations")),
            new ParameterDescriptor("cycle_momentum", ParameterType.Bool, "Cycle momentum inversely to the learning rate (needs SGD with momentum).", Default: "true"),
            new ParameterDescriptor("base_momentum", ParameterType.FloatOrFloatList, "Lower momentum boundary.", Default: "0.8", Range: ValueRange.UnitInterval),
            new ParameterDescriptor("max_momentum", ParameterType.FloatOrFloatList, "Upper momentum boundary.", Default: "0.9", Range: ValueRange.UnitInterval),
            Verbose),

        Scheduler("OneCycleLR", "The 1cycle policy: warm up to max_lr, then anneal far below the initial rate (Smith & Topin, arXiv:1708.07120). Give total_steps, or epochs and steps_per_epoch.",
            new ParameterDescriptor("max_lr", ParameterType.FloatOrFloatList, "Peak learning rate.", Required: true, Range: ValueRange.GreaterThan(0)),
            new ParameterDescriptor("total_steps", ParameterType.Int, "Steps in the cycle; null: epochs × steps_per_epoch.", Default: "null", Nullable: true, Range: ValueRange.GreaterThan(0)),
            new ParameterDescriptor("epochs", ParameterType.Int, "Epochs of training (with steps_per_epoch).", Default: "null", Nullable: true, Range: ValueRange.GreaterThan(0)),
            new ParameterDescriptor("steps_per_epoch", ParameterType.Int, "Steps per epoch (with epochs).", Default: "null", Nullable: true, Range: ValueRange.GreaterThan(0)),
            new ParameterDescriptor("pct_start", ParameterType.Float, "Fraction of the cycle spent increasing the learning rate.", Default: "0.3", Range: ValueRange.UnitInterval),
            new ParameterDescriptor("anneal_strategy", ParameterType.String, "Annealing curve.", Default: "cos", AllowedValues: EquatableArray.Create("cos", "linear")),
            new ParameterDescriptor("cycle_momentum", ParameterType.Bool, "Cycle momentum inversely to the learning rate (needs SGD with momentum or an Adam-like optimizer).", Default: "true"),
            new ParameterDescriptor("base_momentum", ParameterType.FloatOrFloatList, "Lower momentum boundary.", Default: "0.85", Range: ValueRange.UnitInterval),
            new ParameterDescriptor("max_momentum", ParameterType.FloatOrFloatList, "Upper momentum boundary.", Default: "0.95", Range: ValueRange.UnitInterval),
            new ParameterDescriptor("div_factor", ParameterType.Float, "initial_lr = max_lr / div_factor.", Default: "25.0", Range: ValueRange.GreaterThan(0)),
            new ParameterDescriptor("final_div_factor", ParameterType.Float, "min_lr = initial_lr / final_div_factor.", Default: "10000.0", Range: ValueRange.GreaterThan(0)),
            new ParameterDescriptor("three_phase", ParameterType.Bool, "Use the paper's three phases instead of fastai's two.", Default: "false"),
            Verbose),

        Scheduler("LinearLR", "Scales the learning rate by a factor moving linearly from start_factor to end_factor over total_iters epochs.",
            new ParameterDescriptor("start_factor", ParameterType.Float, "Factor at the first epoch.", Default: "0.3333333333333333", Range: new ValueRange(0, false, 1, true)),
            new ParameterDescriptor("end_factor", ParameterType.Float, "Factor from total_iters on.", Default: "1.0", Range: ValueRange.UnitInterval),
            TotalIters("Epochs of the linear change."),
            Verbose),

        Scheduler("ConstantLR", "Scales the learning rate by factor until total_iters epochs have passed.",
            new ParameterDescriptor("factor", ParameterType.Float, "Scale applied before total_iters.", Default: "0.3333333333333333", Range: ValueRange.UnitInterval),
            // total_iters 0 is refused: torch's recursive form would scale by factor at epoch 0 and never undo it.
            TotalIters("Epochs the factor applies."),
            Verbose),

        Scheduler("CosineAnnealingWarmRestarts", "SGDR: lr = eta_min + (base_lr − eta_min)(1 + cos(π·T_cur/T_i))/2, restarting after periods T_i = T_0·T_mult^i (Loshchilov & Hutter, arXiv:1608.03983). TorchSharp lacks it; the runtime implements it.",
            new ParameterDescriptor("T_0", ParameterType.Int, "Epochs until the first restart.", Required: true, Range: ValueRange.AtLeast(1)),
            new ParameterDescriptor("T_mult", ParameterType.Int, "Factor by which each period grows after a restart.", Default: "1", Range: ValueRange.AtLeast(1)),
            EtaMin, Verbose),

        new ComponentDescriptor("PolynomialLR", Section,
            "Two classes share this name. T_max selects Distiller's lr = base_lr × (1 − epoch/T_max)^power (power required); total_iters, or neither, " +
            "selects PyTorch's lr = base_lr × (1 − min(epoch, total_iters)/total_iters)^power, which stays at 0 after total_iters.",
            EquatableArray.Create(PolynomialTMax, TotalIters("Epochs until the learning rate reaches 0 (PyTorch's PolynomialLR)."),
                new ParameterDescriptor("power", ParameterType.Float, "Degree of the polynomial (Distiller's PolynomialLR has no default).", Default: "1.0", Range: ValueRange.GreaterThan(0)),
                Verbose),
            NeedsOptimizer: true,
            Choices: EquatableArray.Create(new ParameterChoice(EquatableArray.Create("T_max", "total_iters"), false,
                "T_max selects Distiller's PolynomialLR (T_max, power), total_iters PyTorch's (total_iters, power)")),
            Source: "distiller/learning_rate.py; torch/optim/lr_scheduler.py",
            Variants: EquatableArray.Create(
                new ComponentVariant("distiller.learning_rate.PolynomialLR", "T_max", false, "lr = base_lr × (1 − epoch/T_max)^power",
                    EquatableArray.Create(
                        PolynomialTMax with { Required = true },
                        new ParameterDescriptor("power", ParameterType.Float, "Degree of the polynomial.", Required: true, Range: ValueRange.GreaterThan(0)))),
                new ComponentVariant("torch.optim.lr_scheduler.PolynomialLR", "total_iters", true, "lr = base_lr × (1 − min(epoch, total_iters)/total_iters)^power",
                    EquatableArray.Create(
                        TotalIters("Epochs until the learning rate reaches 0."),
                        new ParameterDescriptor("power", ParameterType.Float, "Degree of the polynomial.", Default: "1.0", Range: ValueRange.GreaterThan(0)),
                        Verbose)))),

        new ComponentDescriptor("MultiStepMultiGammaLR", Section,
            "Like MultiStepLR but with its own gamma per milestone: at milestone i the learning rate is base_lr × gammas[0] × … × gammas[i].",
            EquatableArray.Create(
                new ParameterDescriptor("milestones", ParameterType.IntList, "Epochs at which to decay, increasing.", Required: true, Range: ValueRange.AtLeast(0)),
                new ParameterDescriptor("gammas", ParameterType.FloatList, "One decay factor per milestone.", Required: true, Range: ValueRange.GreaterThan(0))),
            NeedsOptimizer: true, Source: "distiller/learning_rate.py"));

    private static ParameterDescriptor PolynomialTMax => new(
        "T_max", ParameterType.Int, "Epochs until the learning rate reaches 0 (Distiller's PolynomialLR).", Range: ValueRange.GreaterThan(0));

    private static ParameterDescriptor Gamma(string? defaultValue) => new(
        "gamma", ParameterType.Float, "Multiplicative decay factor.", Required: defaultValue is null, Default: defaultValue, Range: ValueRange.GreaterThan(0));

    private static ParameterDescriptor TotalIters(string summary) => new(
        "total_iters", ParameterType.Int, summary, Default: "5", Range: ValueRange.GreaterThan(0));

    private static ParameterDescriptor EtaMin => new(
        "eta_min", ParameterType.Float, "Minimum learning rate.", Default: "0.0", Range: ValueRange.AtLeast(0));

    /// <summary>Deprecated in PyTorch (2.2) and ignored there since; accepted so schedules that set it keep loading.</summary>
    private static ParameterDescriptor Verbose => new(
        "verbose", ParameterType.Bool, "Deprecated in PyTorch: print a message on every learning-rate change.", Default: "false");

    private static ComponentDescriptor Scheduler(string name, string summary, params ParameterDescriptor[] parameters) =>
        new(name, Section, summary, parameters.ToEquatableArray(), NeedsOptimizer: true, Source: Torch);
}
