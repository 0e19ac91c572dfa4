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
/// The classes, their arguments, types, defaults, ranges and allowed values are <see cref="Catalogue.ComponentCatalogue"/>'s
/// (the table the generator, the loader and docs/catalogue.md read); <see cref="LrSchedulerClass"/> resolves the name and
/// <see cref="LrSchedulerArguments"/> checks and reads the values. An unknown class or argument, a missing required
/// argument or a value of the wrong type or range fails here with an <see cref="ArgumentException"/> naming the
/// scheduler, the argument and what is valid — never later inside TorchSharp.
/// </remarks>
public static class LrSchedulerFactory
{
    /// <param name="className">The <c>class:</c> value, e.g. <c>StepLR</c> (see <see cref="LrSchedulerClass.Resolve"/>).</param>
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
        var scheduler = LrSchedulerClass.Resolve(className, arguments.Keys);
        if (resumedEpoch is { } resumed && scheduler.TakesLastEpoch)
        {
            var withResume = arguments.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            withResume[LrSchedulerClass.LastEpochArgument] = resumed;
            arguments = withResume;
        }
        var args = new LrSchedulerArguments(scheduler, arguments);
        var groups = optimizer.ParamGroups.Count();
        var lastEpoch = args.LastEpoch;

        switch (scheduler.QualifiedName)
        {
            case "distiller.learning_rate.PolynomialLR":
                return new PolynomialLR(optimizer, args.Int("T_max"), args.Float("power"), lastEpoch);

            case "distiller.learning_rate.MultiStepMultiGammaLR":
                return new MultiStepMultiGammaLR(optimizer, args.IntList("milestones"), args.FloatList("gammas"), lastEpoch);

            case "torch.optim.lr_scheduler.StepLR":
                return StepLR(optimizer, args.Int("step_size"), args.Float("gamma"), lastEpoch, args.Bool("verbose"));

            case "torch.optim.lr_scheduler.MultiStepLR":
                return MultiStepLR(optimizer, args.IntList("milestones").ToList(), args.Float("gamma"), lastEpoch, args.Bool("verbose"));

            case "torch.optim.lr_scheduler.ExponentialLR":
                return ExponentialLR(optimizer, args.Float("gamma"), lastEpoch, args.Bool("verbose"));

            case "torch.optim.lr_scheduler.CosineAnnealingLR":
                return CosineAnnealingLR(optimizer, args.Int("T_max"), args.Float("eta_min"), lastEpoch, args.Bool("verbose"));

            case "torch.optim.lr_scheduler.ReduceLROnPlateau":
                return ReduceLROnPlateau(optimizer, args.String("mode"), args.Float("factor"), args.Int("patience"), args.Float("threshold"),
                    args.String("threshold_mode"), args.Int("cooldown"), args.FloatPerGroup("min_lr", groups).ToList(), args.Float("eps"), args.Bool("verbose"));

            case "torch.optim.lr_scheduler.CyclicLR":
            {
                var mode = args.String("mode") switch
                {
                    "triangular2" => impl.CyclicLR.Mode.Triangular2,
                    "exp_range" => impl.CyclicLR.Mode.ExpRange,
                    _ => impl.CyclicLR.Mode.Triangular,
                };
                var scaleMode = args.String("scale_mode") == "iterations" ? impl.CyclicLR.ScaleMode.Iterations : impl.CyclicLR.ScaleMode.Cycle;
                var cycleMomentum = args.Bool("cycle_momentum");
                RequireMomentum(scheduler, optimizer, cycleMomentum, acceptBetas: false);
                return CyclicLR(optimizer, args.FloatPerGroup("base_lr", groups), args.FloatPerGroup("max_lr", groups), args.Int("step_size_up"),
                    args.NullableInt("step_size_down") ?? -1, mode, args.Float("gamma"), null, scaleMode, cycleMomentum,
                    args.FloatPerGroup("base_momentum", groups), args.FloatPerGroup("max_momentum", groups), lastEpoch, args.Bool("verbose"));
            }

            case "torch.optim.lr_scheduler.OneCycleLR":
            {
                var totalSteps = args.NullableInt("total_steps");
                var epochs = args.NullableInt("epochs");
                var stepsPerEpoch = args.NullableInt("steps_per_epoch");
                if (totalSteps is null && (epochs is null || stepsPerEpoch is null))
                    throw new ArgumentException(
                        $"{scheduler} needs either 'total_steps' or both 'epochs' and 'steps_per_epoch'. Valid arguments: {string.Join(", ", scheduler.ArgumentNames)}.");
                var anneal = args.String("anneal_strategy") == "linear" ? impl.OneCycleLR.AnnealStrategy.Linear : impl.OneCycleLR.AnnealStrategy.Cos;
                var cycleMomentum = args.Bool("cycle_momentum");
                RequireMomentum(scheduler, optimizer, cycleMomentum, acceptBetas: true);
                return OneCycleLR(optimizer, args.FloatPerGroup("max_lr", groups), totalSteps ?? -1, epochs ?? -1, stepsPerEpoch ?? -1, args.Float("pct_start"),
                    anneal, cycleMomentum, args.FloatPerGroup("base_momentum", groups), args.FloatPerGroup("max_momentum", groups),
                    args.Float("div_factor"), args.Float("final_div_factor"), args.Bool("three_phase"), lastEpoch, args.Bool("verbose"));
            }

            case "torch.optim.lr_scheduler.CosineAnnealingWarmRestarts":
                return new CosineAnnealingWarmRestarts(optimizer, args.Int("T_0"), args.Int("T_mult"), args.Float("eta_min"), lastEpoch);

            case "torch.optim.lr_scheduler.PolynomialLR":
                return torch.optim.lr_scheduler.PolynomialLR(optimizer, args.Int("total_iters"), args.Float("power"), lastEpoch, args.Bool("verbose"));

            case "torch.optim.lr_scheduler.LinearLR":
                return LinearLR(optimizer, args.Float("start_factor"), args.Float("end_factor"), args.Int("total_iters"), lastEpoch, args.Bool("verbose"));

            case "torch.optim.lr_scheduler.ConstantLR":
                return ConstantLR(optimizer, args.Float("factor"), args.Int("total_iters"), lastEpoch, args.Bool("verbose"));

            default:
                throw new InvalidOperationException($"The catalogue lists {scheduler}, but {nameof(LrSchedulerFactory)} has no builder for it.");
        }
    }

    private static void RequireMomentum(LrSchedulerClass scheduler, Optimizer optimizer, bool cycleMomentum, bool acceptBetas)
    {
        if (cycleMomentum && optimizer is not torch.optim.IMomentum && !(acceptBetas && optimizer is torch.optim.IBetas))
            throw new ArgumentException(
                $"{scheduler}: cycle_momentum is true but the optimizer ({optimizer.GetType().Name}) has no momentum " +
                $"({(acceptBetas ? "SGD with momentum or an Adam-like optimizer" : "SGD with momentum")} is needed); or set cycle_momentum: false.");
    }
}
