using Distiller.Typed.Catalogue;
using Distiller.Typed.Policies;
using Distiller.Typed.Quantization;
using Distiller.Typed.Pruning;
using Distiller.Typed.Regularization;
using Distiller.Typed.Schedules;
using Distiller.Typed.Scheduling.Factories;
using TorchSharp;

namespace Distiller.Typed.Scheduling;

/// <summary>
/// Builds a <see cref="CompressionScheduler"/> from a <see cref="ScheduleSpec"/> — Distiller's <c>config.dict_config</c>.
/// Everything is checked before anything is created: the schedule validator of src/Sdk (the compiler's, with the same
/// DTS ids) checks every class, argument, policy and timing; then every parameter name against <c>named_parameters()</c> (DataParallel <c>module.</c> segments are dropped where the model has no
/// such name), every override pattern against <c>named_modules()</c>, every policy's instance and timing, and the
/// optimizer for classes that need one. All problems of the whole schedule are thrown together in one
/// <see cref="ScheduleException"/>, each at its file(line,col) when the spec came from a file.
/// </summary>
public static class ScheduleBuilder
{
    /// <param name="model">The model the schedule compresses.</param>
    /// <param name="optimizer">The training optimizer; required when the schedule has LR schedulers (or other classes needing it).</param>
    /// <param name="spec">The schedule as data (from <see cref="ScheduleSpec.FromDocument(ScheduleParseResult)"/>, a generated builder, or code).</param>
    /// <param name="resumedEpoch">Distiller's <c>resumed_epoch</c>: passed to LR schedulers as <c>last_epoch</c>.</param>
    /// <param name="inputShape">The model's input shape (e.g. <c>[1, 3, 32, 32]</c>), needed by pruning policies with <c>fold_batchnorm</c>; thinning extensions use it in place of their <c>dataset</c>'s shape.</param>
    public static CompressionScheduler Build(torch.nn.Module model, torch.optim.Optimizer? optimizer, ScheduleSpec spec,
        int? resumedEpoch = null, long[]? inputShape = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        var problems = new List<ScheduleProblem>();
        var plan = Check(model, optimizer, spec, problems);
        if (problems.Count > 0)
            throw new ScheduleException(Sorted(problems));

        var components = new Dictionary<(ScheduleSection, string), object>();
        foreach (var (component, arguments) in plan.Components)
        {
            var context = new ComponentContext(component.InstanceName, component.ClassName, model, optimizer, resumedEpoch) { InputShape = inputShape };
            if (ComponentFactory.Create(component, context, arguments, spec.Path, problems) is not { } created)
                continue;
            components[(component.Section, component.InstanceName)] = created;
            var structural = created switch
            {
                RankedStructureParameterPruner ranked => ranked.FindProblems(model),
                StructuredAgpPruner agp => agp.FindProblems(model),
                _ => Array.Empty<string>(),
            };
            problems.AddRange(structural.Select(p => new ScheduleProblem(p, spec.Path, component.Span)));
        }

        var scheduler = new CompressionScheduler(model, optimizer);
        try
        {
            foreach (var (policy, arguments) in plan.Policies)
            {
                if (!components.TryGetValue((policy.Section, policy.InstanceName), out var component))
                    continue; // its component failed and is already reported
                try
                {
                    scheduler.AddPolicy(PolicyFor(policy, component, arguments, inputShape), Timing(policy));
                }
                catch (ArgumentException e)
                {
                    problems.Add(new ScheduleProblem($"the {policy.Section.PolicyKey()} policy of '{policy.InstanceName}' cannot be added: {e.Message}", spec.Path, policy.Span));
                }
            }
            if (problems.Count > 0)
                throw new ScheduleException(Sorted(problems));
            foreach (var observer in components.Values.OfType<IModelObserver>())
                scheduler.Own(observer.Observe(model));
            return scheduler;
        }
        catch
        {
            scheduler.Dispose();
            throw;
        }
    }

    /// <summary>The checked schedule: resolved names and each component's and policy's checked arguments.</summary>
    private sealed record Plan(
        IReadOnlyList<(ComponentSpec Component, ComponentArguments Arguments)> Components,
        IReadOnlyList<(PolicySpec Policy, ComponentArguments Arguments)> Policies);

    private static Plan Check(torch.nn.Module model, torch.optim.Optimizer? optimizer, ScheduleSpec spec, List<ScheduleProblem> problems)
    {
        var path = spec.Path;

        // Classes, arguments, policies and timing: the same validator, ids and messages as the compiler's.
        problems.AddRange(ScheduleSpecValidation.Problems(spec));
        var resolved = new ModelNames(model).Resolve(spec, problems);

        var components = new List<(ComponentSpec, ComponentArguments)>();
        var declared = new HashSet<(ScheduleSection, string)>();
        foreach (var component in resolved.Components)
        {
            var owner = $"{component.ClassName} '{component.InstanceName}'";
            if (!declared.Add((component.Section, component.InstanceName)))
            {
                // Only a spec written in code can do this; YAML reports the duplicate key (DTS004).
                problems.Add(new ScheduleProblem($"{component.Section.YamlKey()} declares '{component.InstanceName}' twice.", path, component.Span));
                continue;
            }
            if (!ComponentCatalogue.TryFind(component.ClassName, out var descriptor) || descriptor.Section != component.Section)
                continue; // reported by the validator (DTS021–DTS023)
            if (!ComponentFactory.IsRegistered(component.ClassName))
            {
                problems.Add(new ScheduleProblem(ComponentFactory.NotCreatable(component), path, component.Span));
                continue;
            }
            if (descriptor.NeedsOptimizer && optimizer is null)
                problems.Add(new ScheduleProblem($"{owner} needs the training optimizer, but the schedule is built without one (optimizer: null).", path, component.Span));
            components.Add((component, ComponentArguments.Read(component.Arguments, descriptor.Parameters, owner)));
        }

        var policies = new List<(PolicySpec, ComponentArguments)>();
        foreach (var policy in resolved.Policies)
        {
            if (!declared.Contains((policy.Section, policy.InstanceName)))
                continue; // reported by the validator (DTS020, DTS042)
            var owner = $"the {policy.Section.PolicyKey()} policy of '{policy.InstanceName}'";
            policies.Add((policy, ComponentArguments.Read(policy.Args, ComponentCatalogue.PolicyArguments(policy.Section), owner)));
        }
        return new Plan(components, policies);
    }

    private static PolicySchedule Timing(PolicySpec policy) => policy.Epochs is { } epochs
        ? PolicySchedule.FromEpochs(epochs)
        : PolicySchedule.Range(policy.StartingEpoch!.Value, policy.EndingEpoch!.Value, policy.Frequency ?? 1);

    private static Policy PolicyFor(PolicySpec policy, object component, ComponentArguments arguments, long[]? inputShape) => component switch
    {
        IPruner pruner => new PruningPolicy(pruner, PruningOptions(arguments, inputShape)),
        IRegularizer regularizer => new RegularizationPolicy(regularizer, arguments.Bool("keep_mask")),
        Quantizer quantizer => new QuantizationPolicy(quantizer),
        Policy ready => ready,
        _ => throw new ArgumentException($"the factory for '{policy.InstanceName}' returned a {component.GetType().Name}, which is not a pruner, regularizer or policy."),
    };

    /// <summary>A pruning policy's <c>args</c> (Distiller's <c>pruner_args</c>) with the catalogue's defaults.</summary>
    private static PruningPolicyOptions PruningOptions(ComponentArguments arguments, long[]? inputShape) => new()
    {
        Levels = arguments.FloatMap("levels"),
        KeepMask = arguments.Bool("keep_mask"),
        MiniBatchPruningFrequency = arguments.Int("mini_batch_pruning_frequency"),
        MaskOnForwardOnly = arguments.Bool("mask_on_forward_only"),
        MaskGradients = arguments.Bool("mask_gradients"),
        UseDoubleCopies = arguments.Bool("use_double_copies"),
        DiscardMasksAtMinibatchEnd = arguments.Bool("discard_masks_at_minibatch_end"),
        SkipFirstMinibatch = arguments.Bool("skip_first_minibatch"),
        FoldBatchNorm = arguments.Bool("fold_batchnorm"),
        InputShape = inputShape,
    };

    /// <summary>Problems in file order (those without a position last, in the order found).</summary>
    internal static IReadOnlyList<ScheduleProblem> Sorted(IEnumerable<ScheduleProblem> problems) =>
        problems.Select((p, i) => (p, i))
            .OrderBy(x => x.p.Span is null)
            .ThenBy(x => x.p.Path, StringComparer.Ordinal)
            .ThenBy(x => x.p.Span?.Line ?? 0)
            .ThenBy(x => x.p.Span?.Column ?? 0)
            .ThenBy(x => x.i)
            .Select(x => x.p)
            .ToList();
}
