using System.Linq;
using Distiller.Typed.Catalogue;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;
using Distiller.Typed.Text;

namespace Distiller.Typed.Validation;

/// <summary>
/// Checks that each policy names an instance declared in the matching section (or says which section declares
/// it), that no training policy schedules a post-training quantizer, and that an LR-scheduler, quantizer or
/// extension instance has one policy only (the runtime attaches one LRPolicy / QuantizationPolicy per instance;
/// pruners and regularizers may be scheduled by several policies, as in Distiller's examples).
/// </summary>
internal static class PolicyChecks
{
    public static void Check(ValidationContext context)
    {
        var document = context.Document;
        var scheduled = new System.Collections.Generic.Dictionary<(ScheduleSection, string), PolicyDefinition>();
        foreach (var policy in document.Policies)
        {
            if (policy.InstanceName is not { } name || name.IsNull)
                continue;
            if (document.FindComponent(policy.Section, name.Text) is { } component)
            {
                if (policy.Section is not (ScheduleSection.Pruners or ScheduleSection.Regularizers))
                {
                    if (scheduled.TryGetValue((policy.Section, name.Text), out var first))
                        context.Report(ScheduleDiagnosticDescriptors.InstanceScheduledTwice, name.Span, name.Text, first.Span.Line, policy.Section.PolicyKey().Replace('_', '-'));
                    else
                        scheduled[(policy.Section, name.Text)] = policy;
                }
                if (component.ClassName is { } className && ComponentCatalogue.TryFind(className, out var descriptor)
                    && descriptor.Section == policy.Section && descriptor.PostTrainingOnly)
                    context.Report(ScheduleDiagnosticDescriptors.PostTrainingQuantizerInPolicy, name.Span, name.Text, className);
                continue;
            }
            var elsewhere = document.Components.FirstOrDefault(c => c.InstanceName == name.Text);
            if (elsewhere is not null)
            {
                context.Report(ScheduleDiagnosticDescriptors.InstanceInOtherSection, name.Span,
                    policy.SectionKey.Text, name.Text, elsewhere.Section.YamlKey(), policy.Section.YamlKey(), elsewhere.Section.PolicyKey());
                continue;
            }
            var declared = document.InSection(policy.Section).Select(c => c.InstanceName).ToList();
            context.Report(ScheduleDiagnosticDescriptors.UnknownInstance, name.Span,
                policy.SectionKey.Text, name.Text, policy.Section.YamlKey(),
                declared.Count == 0 ? "it declares none" : "declared: " + string.Join(", ", declared.Select(d => "'" + d + "'")),
                NearestNames.DidYouMean(name.Text, declared));
        }
    }
}
