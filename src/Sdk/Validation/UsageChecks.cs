using System.Linq;
using Distiller.Typed.Catalogue;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Validation;

/// <summary>
/// Warns about instances no policy names: Distiller builds them but never runs them. Post-training quantizers are
/// exempt, since they run at evaluation without a policy; so are
/// components without a class, already reported.
/// </summary>
internal static class UsageChecks
{
    public static void Check(ValidationContext context)
    {
        var named = context.Document.Policies
            .Where(p => p.InstanceName is { IsNull: false })
            .Select(p => p.InstanceName!.Text)
            .ToList();
        foreach (var component in context.Document.Components)
        {
            // A component without a class is already an error (DTS006); warning about its use would repeat it.
            if (named.Contains(component.InstanceName) || component.Class is null)
                continue;
            if (component.ClassName is { } className && ComponentCatalogue.TryFind(className, out var descriptor) && descriptor.PostTrainingOnly)
                continue;
            context.Report(ScheduleDiagnosticDescriptors.UnusedInstance, component.Name.Span, component.InstanceName, component.Section.YamlKey());
        }
    }
}
