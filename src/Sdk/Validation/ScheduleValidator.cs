using System.Collections.Generic;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Validation;

/// <summary>
/// Model-free checks of a parsed schedule: policies against the instances they name, and (per file in this
/// folder) classes, arguments and ranges against the component catalogue.
/// </summary>
public static class ScheduleValidator
{
    public static void Validate(ScheduleDocument document, List<ScheduleDiagnostic> diagnostics)
    {
        PolicyChecks.Check(document, diagnostics);
    }
}
