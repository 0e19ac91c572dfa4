using System.Linq;
using Distiller.Typed.Diagnostics;

namespace Distiller.Typed.Schedules;

/// <summary>A parsed schedule and every finding about it, in file order.</summary>
public sealed record ScheduleParseResult(ScheduleDocument Document, EquatableArray<ScheduleDiagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == ScheduleDiagnosticSeverity.Error);
}
