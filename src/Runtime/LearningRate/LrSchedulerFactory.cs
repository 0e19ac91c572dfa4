using TorchSharp;
using static TorchSharp.torch.optim.lr_scheduler;
using Optimizer = TorchSharp.torch.optim.Optimizer;

namespace Distiller.Typed.LearningRate;

/// <summary>
/// Builds an LR scheduler from a schedule's <c>lr_schedulers</c> entry — the <c>class:</c> name and PyTorch's keyword
/// arguments — as Distiller's <c>config.build_component</c> does: torch's schedulers are TorchSharp's
/// <c>torch.optim.lr_scheduler</c> ones (except <see cref="CosineAnnealingWarmRestarts"/>, which TorchSharp lacks), Distiller's
/// <see cref="PolynomialLR"/> and <see cref="MultiStepMultiGammaLR"/> are ours.
/// </summary>
/// <remarks>
/// The classes and their arguments are listed in <see cref="LrSchedulerCatalogue"/>; an unknown class or argument,
/// a missing required argument or a value of the wrong type fails here with an <see cref="ArgumentException"/> naming
/// the scheduler, the argument and what is valid — never later inside TorchSharp.
/// </remarks>
public static class LrSchedulerFactory
{
    /// <param name="className">The <c>class:</c> value, e.g. <c>StepLR</c> (see <see cref="LrSchedulerCatalogue.Resolve"/>).</param>
    /// <param name="arguments">Keyword arguments as PyTorch names them, without <c>class</c> and <c>optimizer</c>.</param>
    /// <param name="optimizer">The optimizer whose parameter groups' LR the scheduler sets.</param>
    /// <param name="resumedEpoch">
    /// Distiller's <c>config.dict_config(..., resumed_epoch)</c>: when given, it is passed as <c>last_epoch</c> to every class
    /// that takes one, overriding the schedule's value as Distiller's <c>build_component</c> does. Null: the schedule's
    /// <c>last_epoch</c>, if any, else −1. (This runtime's own resume path is <see cref="Policies.LRPolicy.LoadState"/>.)
    /// </param>
    public static LRScheduler Create(string className, IReadOnlyDictionary<string, object?> arguments, Optimizer optimizer, int? resumedEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(optimizer);
        var description = LrSchedulerCatalogue.Resolve(className, arguments.Keys);
        var args = new LrSchedulerArguments(description, arguments);
        if (resumedEpoch is { } resumed && description.FindParameter("last_epoch") is not null)
        {
            var withResume = arguments.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            withResume["last_epoch"] = resumed;
            args = new LrSchedulerArguments(description, withResume);
        }
        var groups = optimizer.ParamGroups.Count();
        var lastEpoch = args.Int("last_epoch", -1);
        if (lastEpoch < -1)
            throw Bad(description, "last_epoch", lastEpoch, "-1 (fresh start) or a completed epoch index >= 0");
        var verbose = args.Bool("verbose", false);

        if (description.Origin == LrSchedulerOrigin.Distiller)
        {
            return description.ClassName switch
            {
                "PolynomialLR" => new PolynomialLR(optimizer, Positive(description, args, "T_max", 0), args.Float("power", 0), lastEpoch),
                "MultiStepMultiGammaLR" => new MultiStepMultiGammaLR(optimizer, args.IntList("milestones"), args.FloatList("gammas"), lastEpoch),
                _ => throw new InvalidOperationException($"No builder for Distiller scheduler {description.ClassName}."),
            };
        }

        switch (description.ClassName)
        {
            case "StepLR":
                return StepLR(optimizer, Positive(description, args, "step_size", 0), args.Float("gamma", 0.1), lastEpoch, verbose);

            case "MultiStepLR":
                return MultiStepLR(optimizer, args.IntList("milestones").ToList(), args.Float("gamma", 0.1), lastEpoch, verbose);

            case "ExponentialLR":
                return ExponentialLR(optimizer, args.Float("gamma", 0.1), lastEpoch, verbose);

            case "CosineAnnealingLR":
                return CosineAnnealingLR(optimizer, Positive(description, args, "T_max", 0), args.Float("eta_min", 0), lastEpoch, verbose);

            case "ReduceLROnPlateau":
            {
                var factor = args.Float("factor", 0.1);
                if (!(factor < 1.0))
                    throw Bad(description, "factor", factor, "a number < 1.0");
                var patience = args.Int("patience", 10);
                if (patience < 0)
                    throw Bad(description, "patience", patience, "an integer >= 0");
                var cooldown = args.Int("cooldown", 0);
                if (cooldown < 0)
                    throw Bad(description, "cooldown", cooldown, "an integer >= 0");
                return ReduceLROnPlateau(optimizer, args.String("mode", "min"), factor, patience, args.Float("threshold", 1e-4),
                    args.String("threshold_mode", "rel"), cooldown, args.FloatPerGroup("min_lr", 0, groups).ToList(), args.Float("eps", 1e-8), verbose);
            }

            case "CyclicLR":
            {
                var stepUp = Positive(description, args, "step_size_up", 2000);
                var stepDown = args.Has("step_size_down") ? Positive(description, args, "step_size_down", 0) : -1;
                var mode = args.String("mode", "triangular") switch
                {
                    "triangular2" => impl.CyclicLR.Mode.Triangular2,
                    "exp_range" => impl.CyclicLR.Mode.ExpRange,
                    _ => impl.CyclicLR.Mode.Triangular,
                };
                var scaleMode = args.String("scale_mode", "cycle") == "iterations" ? impl.CyclicLR.ScaleMode.Iterations : impl.CyclicLR.ScaleMode.Cycle;
                var cycleMomentum = args.Bool("cycle_momentum", true);
                RequireMomentum(description, optimizer, cycleMomentum, acceptBetas: false);
                return CyclicLR(optimizer, args.FloatPerGroup("base_lr", 0, groups), args.FloatPerGroup("max_lr", 0, groups), stepUp, stepDown,
                    mode, args.Float("gamma", 1.0), null, scaleMode, cycleMomentum,
                    args.FloatPerGroup("base_momentum", 0.8, groups), args.FloatPerGroup("max_momentum", 0.9, groups), lastEpoch, verbose);
            }

            case "OneCycleLR":
            {
                var totalSteps = args.Has("total_steps") ? Positive(description, args, "total_steps", 0) : -1;
                var epochs = args.Has("epochs") ? Positive(description, args, "epochs", 0) : -1;
                var stepsPerEpoch = args.Has("steps_per_epoch") ? Positive(description, args, "steps_per_epoch", 0) : -1;
                if (totalSteps == -1 && (epochs == -1 || stepsPerEpoch == -1))
                    throw new ArgumentException($"LR scheduler OneCycleLR needs either 'total_steps' or both 'epochs' and 'steps_per_epoch'. Valid arguments: {description.ParameterList}.");
                var pctStart = args.Float("pct_start", 0.3);
                if (!(pctStart >= 0 && pctStart <= 1))
                    throw Bad(description, "pct_start", pctStart, "a number between 0 and 1");
                var anneal = args.String("anneal_strategy", "cos") == "linear" ? impl.OneCycleLR.AnnealStrategy.Linear : impl.OneCycleLR.AnnealStrategy.Cos;
                var cycleMomentum = args.Bool("cycle_momentum", true);
                RequireMomentum(description, optimizer, cycleMomentum, acceptBetas: true);
                return OneCycleLR(optimizer, args.FloatPerGroup("max_lr", 0, groups), totalSteps, epochs, stepsPerEpoch, pctStart, anneal, cycleMomentum,
                    args.FloatPerGroup("base_momentum", 0.85, groups), args.FloatPerGroup("max_momentum", 0.95, groups),
                    args.Float("div_factor", 25), args.Float("final_div_factor", 1e4), args.Bool("three_phase", false), lastEpoch, verbose);
            }

            case "CosineAnnealingWarmRestarts":
                return new CosineAnnealingWarmRestarts(optimizer, Positive(description, args, "T_0", 0), Positive(description, args, "T_mult", 1), args.Float("eta_min", 0), lastEpoch);

            case "PolynomialLR":
                return torch.optim.lr_scheduler.PolynomialLR(optimizer, Positive(description, args, "total_iters", 5), args.Float("power", 1.0), lastEpoch, verbose);

            case "LinearLR":
            {
                var start = args.Float("start_factor", 1.0 / 3);
                if (!(start > 0 && start <= 1))
                    throw Bad(description, "start_factor", start, "a number > 0 and <= 1");
                var end = args.Float("end_factor", 1.0);
                if (!(end >= 0 && end <= 1))
                    throw Bad(description, "end_factor", end, "a number between 0 and 1");
                return LinearLR(optimizer, start, end, Positive(description, args, "total_iters", 5), lastEpoch, verbose);
            }

            case "ConstantLR":
            {
                var factor = args.Float("factor", 1.0 / 3);
                if (!(factor >= 0 && factor <= 1))
                    throw Bad(description, "factor", factor, "a number between 0 and 1");
                var totalIters = args.Int("total_iters", 5);
                if (totalIters < 0)
                    throw Bad(description, "total_iters", totalIters, "an integer >= 0");
                return ConstantLR(optimizer, factor, totalIters, lastEpoch, verbose);
            }

            default:
                throw new InvalidOperationException($"No builder for torch scheduler {description.ClassName}.");
        }
    }

    private static int Positive(LrSchedulerDescription description, LrSchedulerArguments args, string name, int defaultValue)
    {
        var value = args.Int(name, defaultValue);
        return value > 0 ? value : throw Bad(description, name, value, "an integer > 0");
    }

    private static void RequireMomentum(LrSchedulerDescription description, Optimizer optimizer, bool cycleMomentum, bool acceptBetas)
    {
        if (cycleMomentum && optimizer is not torch.optim.IMomentum && !(acceptBetas && optimizer is torch.optim.IBetas))
            throw new ArgumentException(
                $"LR scheduler {description.ClassName}: cycle_momentum is true but the optimizer ({optimizer.GetType().Name}) has no momentum " +
                $"({(acceptBetas ? "SGD with momentum or an Adam-like optimizer" : "SGD with momentum")} is needed); or set cycle_momentum: false.");
    }

    private static ArgumentException Bad(LrSchedulerDescription description, string name, object value, string expected) =>
        new($"LR scheduler {description.ClassName}: argument '{name}' must be {expected}, but got {Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)}.");
}
