namespace Distiller.Typed.Diagnostics;

/// <summary>How serious a schedule finding is; maps to the compiler's Error / Warning / Info.</summary>
public enum ScheduleDiagnosticSeverity
{
    Info,
    Warning,
    Error,
}
