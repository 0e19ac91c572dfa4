using System.Collections.Generic;
using System.Linq;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;
using Distiller.Typed.Text;

namespace Distiller.Typed.Validation;

/// <summary>Checks that each policy names an instance declared in the matching section.</summary>
internal static class PolicyChecks
{
    public static void Check(ScheduleDocument document, List<ScheduleDiagnostic> diagnostics)
    {
        foreach (var policy in document.Policies)
        {
            if (policy.InstanceName is not { } name || name.IsNull)
                continue;
            if (document.FindComponent(policy.Section, name.Text) is not null)
                continue;
            var declared = document.InSection(policy.Section).Select(c => c.InstanceName).ToList();
            diagnostics.Add(ScheduleDiagnostic.Create(ScheduleDiagnosticDescriptors.UnknownInstance, document.Path, name.Span,
                policy.SectionKey.Text, name.Text, policy.Section.YamlKey(),
                declared.Count == 0 ? "it declares none" : "declared: " + string.Join(", ", declared.Select(d => "'" + d + "'")),
                NearestNames.DidYouMean(name.Text, declared)));
        }
    }
}
