using System.Linq;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Validation;

/// <summary>Distiller allows one quantizer (dict_config raises otherwise) and one LR scheduler per schedule.</summary>
internal static class SectionCountChecks
{
    public static void Check(ValidationContext context)
    {
        CheckSingle(context, ScheduleSection.Quantizers, ScheduleDiagnosticDescriptors.MultipleQuantizers);
        CheckSingle(context, ScheduleSection.LrSchedulers, ScheduleDiagnosticDescriptors.MultipleLrSchedulers);
    }

    private static void CheckSingle(ValidationContext context, ScheduleSection section, ScheduleDiagnosticDescriptor descriptor)
    {
        var instances = context.Document.InSection(section).ToList();
        for (int i = 1; i < instances.Count; i++)
            context.Report(descriptor, instances[i].Name.Span, instances[i].InstanceName, instances[0].InstanceName);
    }
}
