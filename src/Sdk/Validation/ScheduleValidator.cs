using System.Collections.Generic;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Validation;

/// <summary>
/// Model-free checks of a parsed schedule against the component catalogue: classes and their arguments, section
/// counts, policies' instances, timing and args, and instances no policy uses. Appends findings to
/// <paramref name="diagnostics"/>; never throws on any document the reader produces.
/// </summary>
public static class ScheduleValidator
{
    public static void Validate(ScheduleDocument document, List<ScheduleDiagnostic> diagnostics)
    {
        var context = new ValidationContext(document, diagnostics);
        ComponentChecks.Check(context);
        SectionCountChecks.Check(context);
        PolicyChecks.Check(context);
        PolicyTimingChecks.Check(context);
        PolicyArgumentChecks.Check(context);
        UsageChecks.Check(context);
        SharedPrunerChecks.Check(context);
    }
}
