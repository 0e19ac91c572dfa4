namespace Distiller.Typed.Diagnostics;

public static partial class ScheduleDiagnosticDescriptors
{
    private const string Policies = "Distiller.Schedule.Policies";

    public static readonly DiagnosticDescriptor UnknownInstance = new(
        "DTS020", "Policy names an undeclared instance", "The policy's {0} '{1}' is not declared in '{2}' ({3}){4}", DiagnosticSeverity.Error, Policies);
}
