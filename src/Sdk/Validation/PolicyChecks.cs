using System.Linq;
using Distiller.Typed.Catalogue;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;
using Distiller.Typed.Text;

namespace Distiller.Typed.Validation;

/// <summary>
/// Checks that each policy names an instance declared in the matching section (or says which section declares
/// it), and that no training policy schedules a post-training quantizer.
/// </summary>
internal static class PolicyChecks
{
    public static void Check(ValidationContext context)
    {
        var document = context.Document;
        foreach (var policy in document.Policies)
        {
            if (policy.InstanceName is not { } name || name.IsNull)
                continue;
            if (document.FindComponent(policy.Section, name.Text) is { } component)
            {
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
