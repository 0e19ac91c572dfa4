using System.Linq;
using Distiller.Typed.Catalogue;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;
using Distiller.Typed.Text;

namespace Distiller.Typed.Validation;

/// <summary>
/// Checks a policy's <c>args:</c> against the policy-argument table: PruningPolicy's pruner_args (Distiller reads
/// them with <c>dict.get</c>, so a misspelt key is silently ignored there — here it is an error) and
/// RegularizationPolicy's keep_mask; other policies take none.
/// </summary>
internal static class PolicyArgumentChecks
{
    public static void Check(ValidationContext context)
    {
        foreach (var policy in context.Document.Policies)
        {
            if (policy.Args is not { } args)
                continue;
            var kind = policy.Section.PolicyKey().Replace('_', ' ');
            var parameters = ComponentCatalogue.PolicyArguments(policy.Section);
            var names = parameters.Select(p => p.Name).ToList();
            foreach (var entry in args.Entries)
            {
                var parameter = parameters.FirstOrDefault(p => p.Name == entry.Key.Text);
                if (parameter is not null)
                {
                    ValueChecks.Check(context, $"'{entry.Key.Text}'", $"the {kind} policy's args", entry.Value, parameter);
                    continue;
                }
                var valid = names.Count == 0 ? $"{kind} policies take no args" : "valid args are " + ValidationContext.Quoted(names);
                context.Report(ScheduleDiagnosticDescriptors.UnknownPolicyArgument, entry.Key.Span, kind, entry.Key.Text,
                    NearestNames.DidYouMean(entry.Key.Text, names), valid);
            }

            // PruningPolicy: "mask_gradients and (not mask_on_forward_only) are mutually exclusive".
            if (policy.Section == ScheduleSection.Pruners && args.Find("mask_gradients") is { Value: ScalarValue maskGradients }
                && maskGradients.TryGetBoolean(out var masks) && masks
                && !(args["mask_on_forward_only"] is ScalarValue forwardOnly && forwardOnly.TryGetBoolean(out var only) && only))
            {
                context.Report(ScheduleDiagnosticDescriptors.DependentArgumentMissing, maskGradients.Span, "The pruner policy's args",
                    "mask_gradients: true needs mask_on_forward_only: true (masking gradients and re-masking weights after the step are mutually exclusive)");
            }
        }
    }
}
