using System.Linq;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Validation;

/// <summary>
/// Warns about a pruner named by more than one policy. The policies share the pruner's state, so each moves it on its
/// own timing (an AGP pruner stepped by two policies computes its target sparsity twice per epoch and ends behind
/// either one alone); Distiller's schedules give each policy its own pruner instance.
/// </summary>
internal static class SharedPrunerChecks
{
    public static void Check(ValidationContext context)
    {
        var byInstance = context.Document.Policies
            .Where(p => p.Section == ScheduleSection.Pruners && p.InstanceName is { IsNull: false })
            .GroupBy(p => p.InstanceName!.Text);
        foreach (var policies in byInstance)
        {
            var first = policies.First();
            foreach (var other in policies.Skip(1))
                context.Report(ScheduleDiagnosticDescriptors.SharedPruner, other.InstanceName!.Span, policies.Key, first.InstanceName!.Span.Line);
        }
    }
}
