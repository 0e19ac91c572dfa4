using System.Collections.Generic;
using System.Linq;
using Distiller.Typed.Catalogue;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Validation;

/// <summary>
/// Rules between a component's arguments that Distiller's constructors enforce (or that make the run meaningless):
/// initial below final sparsity, MagnitudeParameterPruner's '*' threshold, 'Blocks' needing a block shape,
/// [low, high] ranges, increasing milestones with one gamma each, alternative argument names, and the arguments
/// one setting needs (clip_acts N_STD needs clip_n_stds; OneCycleLR needs total_steps or epochs × steps_per_epoch).
/// Only well-typed values are compared; type errors are ValueChecks' findings.
/// </summary>
internal static class CrossArgumentChecks
{
    public static void Check(ValidationContext context, ComponentDefinition component, ComponentDescriptor descriptor)
    {
        var owner = ValidationContext.Describe(component);
        var arguments = component.Arguments;

        if (Number(arguments, "initial_sparsity") is { } initial && Number(arguments, "final_sparsity") is { } final
            && initial.Value >= final.Value)
        {
            context.Report(ScheduleDiagnosticDescriptors.SparsityNotIncreasing, initial.Scalar.Span, initial.Scalar.Text, final.Scalar.Text);
        }

        foreach (var parameter in descriptor.Parameters.Where(p => p.Required && p.AcceptsDefaultKey && p.Name == "thresholds"))
        {
            if (Find(arguments, parameter.Name) is { Value: MappingValue map } entry && map.Find("*") is null)
                context.Report(ScheduleDiagnosticDescriptors.MissingDefaultKey, entry.Key.Span, $"'{parameter.Name}' of {owner}");
        }

        foreach (var parameter in descriptor.Parameters.Where(p => p.NameKind == NameKind.ParameterNameMap && !p.AcceptsDefaultKey))
        {
            if (Find(arguments, parameter.Name) is { Value: MappingValue map } && map.Find("*") is { } star)
                context.Report(ScheduleDiagnosticDescriptors.DefaultKeyNotAccepted, star.Key.Span, $"'{parameter.Name}' of {owner}");
        }

        if (Find(arguments, "group_type") is { Value: ScalarValue { Text: "Blocks" } blocks } && !HasBlockShape(arguments))
            context.Report(ScheduleDiagnosticDescriptors.DependentArgumentMissing, blocks.Span, owner,
                "group_type 'Blocks' needs 'kwargs: { block_shape: [..] }' giving the block's shape");

        if (Find(arguments, "sparsity_range") is { Value: SequenceValue range })
            CheckLowHigh(context, $"'sparsity_range' of {owner}", range);

        if (descriptor.ClassName == "MultiStepMultiGammaLR")
            CheckMilestonesAndGammas(context, owner, arguments);

        foreach (var choice in descriptor.Choices)
            CheckChoice(context, owner, component, choice);

        if (descriptor.SelectVariant(component.Arguments.Select(a => a.Key.Text)) is { } variant)
            CheckVariant(context, owner, component, variant);

        if (descriptor.ClassName == "OneCycleLR" && !Given(arguments, "total_steps") && !(Given(arguments, "epochs") && Given(arguments, "steps_per_epoch")))
            context.Report(ScheduleDiagnosticDescriptors.DependentArgumentMissing, component.Name.Span, owner,
                "give 'total_steps', or both 'epochs' and 'steps_per_epoch', so the cycle's length is known");

        if (Find(arguments, "clip_acts") is { Value: ScalarValue { Text: "N_STD" } clip } && !Given(arguments, "clip_n_stds"))
            context.Report(ScheduleDiagnosticDescriptors.DependentArgumentMissing, clip.Span, owner,
                "clip_acts 'N_STD' needs 'clip_n_stds', the number of standard deviations to clip at");

        if (descriptor.Section == ScheduleSection.Quantizers && !descriptor.PostTrainingOnly)
            CheckTrainingQuantizer(context, owner, component, descriptor);
    }

    /// <summary>
    /// Quantization-aware training keeps a float copy of each weight: the runtime cannot quantize a bias whose weights
    /// stay float (<c>bits_weights: null</c> with a <c>bits_bias</c>, given or by default), and
    /// QuantAwareTrainRangeLinearQuantizer's <c>quantize_inputs</c> needs a bit width for the inputs.
    /// </summary>
    private static void CheckTrainingQuantizer(ValidationContext context, string owner, ComponentDefinition component, ComponentDescriptor descriptor)
    {
        var arguments = component.Arguments;
        if (IsNull(arguments, descriptor, "bits_weights") && !IsNull(arguments, descriptor, "bits_bias"))
            context.Report(ScheduleDiagnosticDescriptors.DependentArgumentMissing, At(component, "bits_weights"), owner,
                "'bits_weights: null' keeps the weights in float, but 'bits_bias' quantizes the bias; training with a float copy of the weights cannot quantize a bias without its weights, so set 'bits_bias: null' too");

        if (Find(arguments, "overrides") is { Value: MappingValue overrides })
        {
            foreach (var entry in overrides.Entries)
            {
                if (entry.Value is MappingValue settings && settings.Find("bits_weights") is { Value: ScalarValue { IsNull: true } } weights
                    && (settings.Find("bits_bias") is { } bias ? bias.Value is not ScalarValue { IsNull: true } : !IsNull(arguments, descriptor, "bits_bias")))
                    context.Report(ScheduleDiagnosticDescriptors.DependentArgumentMissing, weights.Key.Span, $"the override '{entry.Key.Text}' of {owner}",
                        "'bits_weights: null' keeps the weights in float, but the bias is still quantized; training with a float copy of the weights cannot quantize a bias without its weights, so give 'bits_bias: null' too");
            }
        }

        if (descriptor.Parameter("quantize_inputs") is not null
            && !(Find(arguments, "quantize_inputs") is { Value: ScalarValue quantizeInputs } && quantizeInputs.TryGetBoolean(out var on) && !on)
            && IsNull(arguments, descriptor, "num_bits_inputs") && IsNull(arguments, descriptor, "bits_activations"))
            context.Report(ScheduleDiagnosticDescriptors.DependentArgumentMissing, At(component, "bits_activations"), owner,
                "'quantize_inputs' (true by default) needs 'num_bits_inputs' or 'bits_activations' for the inputs' bit width; give one, or set 'quantize_inputs: false'");
    }

    /// <summary>Whether the argument is null as given, or by its default when not given.</summary>
    private static bool IsNull(IEnumerable<MappingEntry> arguments, ComponentDescriptor descriptor, string name) =>
        Find(arguments, name) is { } entry
            ? entry.Value is ScalarValue { IsNull: true }
            : descriptor.Parameter(name)?.Default is null or "null";

    private static SourceSpan At(ComponentDefinition component, string argument) =>
        Find(component.Arguments, argument)?.Key.Span ?? component.Name.Span;

    private static void CheckLowHigh(ValidationContext context, string what, SequenceValue range)
    {
        if (range.Items.Count != 2)
        {
            context.Report(ScheduleDiagnosticDescriptors.WrongListLength, range.Span, what + " ([low, high])", 2, range.Items.Count);
            return;
        }
        if (range.Items[0] is ScalarValue low && low.TryGetDouble(out var lo) && range.Items[1] is ScalarValue high && high.TryGetDouble(out var hi) && hi < lo)
            context.Report(ScheduleDiagnosticDescriptors.ListNotIncreasing, high.Span, what, high.Text, low.Text);
    }

    private static void CheckMilestonesAndGammas(ValidationContext context, string owner, EquatableArray<MappingEntry> arguments)
    {
        if (Find(arguments, "milestones") is not { Value: SequenceValue milestones })
            return;
        for (int i = 1; i < milestones.Items.Count; i++)
        {
            if (milestones.Items[i - 1] is ScalarValue previous && previous.TryGetInt32(out var a)
                && milestones.Items[i] is ScalarValue current && current.TryGetInt32(out var b) && b <= a)
            {
                context.Report(ScheduleDiagnosticDescriptors.ListNotIncreasing, current.Span, $"'milestones' of {owner}", current.Text, previous.Text);
                break;
            }
        }
        if (Find(arguments, "gammas") is { Value: SequenceValue gammas } && gammas.Items.Count != milestones.Items.Count)
            context.Report(ScheduleDiagnosticDescriptors.WrongListLength, gammas.Span, $"'gammas' of {owner} (one per milestone)",
                milestones.Items.Count, gammas.Items.Count);
    }

    private static void CheckChoice(ValidationContext context, string owner, ComponentDefinition component, ParameterChoice choice)
    {
        var given = component.Arguments.Where(a => choice.Names.Contains(a.Key.Text)).ToList();
        if (given.Count > 1)
            context.Report(ScheduleDiagnosticDescriptors.ConflictingArguments, given[1].Key.Span, owner, given[0].Key.Text, given[1].Key.Text, choice.Reason);
        else if (given.Count == 0 && choice.Required)
            context.Report(ScheduleDiagnosticDescriptors.DependentArgumentMissing, component.Name.Span, owner,
                "give one of " + ValidationContext.Quoted(choice.Names) + " (" + choice.Reason + ")");
    }

    /// <summary>
    /// Arguments of the shared name that the selected class does not take (Distiller's PolynomialLR has no
    /// <c>verbose</c>), and the ones it requires (its <c>power</c> has no default).
    /// </summary>
    private static void CheckVariant(ValidationContext context, string owner, ComponentDefinition component, ComponentVariant variant)
    {
        var selector = Find(component.Arguments, variant.SelectedBy);
        foreach (var argument in component.Arguments.Where(a => !variant.Parameters.Any(p => p.Name == a.Key.Text)))
            context.Report(ScheduleDiagnosticDescriptors.ConflictingArguments, argument.Key.Span, owner,
                variant.SelectedBy, argument.Key.Text,
                variant.QualifiedName + " takes only " + ValidationContext.Quoted(variant.Parameters.Select(p => p.Name)));
        foreach (var parameter in variant.Parameters.Where(p => p.Required && !Given(component.Arguments, p.Name)))
            context.Report(ScheduleDiagnosticDescriptors.DependentArgumentMissing, selector?.Key.Span ?? component.Name.Span, owner,
                $"'{variant.SelectedBy}' selects {variant.QualifiedName}, which needs '{parameter.Name}' ({parameter.TypeDescription}): {parameter.Summary}");
    }

    private static bool HasBlockShape(EquatableArray<MappingEntry> arguments) =>
        Find(arguments, "kwargs") is { Value: MappingValue kwargs } && kwargs.Find("block_shape") is not null;

    internal static MappingEntry? Find(IEnumerable<MappingEntry> arguments, string name) => arguments.FirstOrDefault(a => a.Key.Text == name);

    private static bool Given(IEnumerable<MappingEntry> arguments, string name) =>
        Find(arguments, name) is { } entry && entry.Value is not ScalarValue { IsNull: true };

    private static (ScalarValue Scalar, double Value)? Number(IEnumerable<MappingEntry> arguments, string name) =>
        Find(arguments, name) is { Value: ScalarValue scalar } && scalar.TryGetDouble(out var value) ? (scalar, value) : null;
}
