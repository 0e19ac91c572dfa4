using System.Collections.Generic;
using System.Linq;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Validation;

/// <summary>The document being validated and the list its findings go to.</summary>
internal sealed class ValidationContext
{
    private readonly List<ScheduleDiagnostic> _diagnostics;

    public ValidationContext(ScheduleDocument document, List<ScheduleDiagnostic> diagnostics)
    {
        Document = document;
        _diagnostics = diagnostics;
    }

    public ScheduleDocument Document { get; }

    public IReadOnlyList<ScheduleDiagnostic> Diagnostics => _diagnostics;

    public void Report(ScheduleDiagnosticDescriptor descriptor, SourceSpan span, params object?[] arguments) =>
        _diagnostics.Add(ScheduleDiagnostic.Create(descriptor, Document.Path, span, arguments));

    public static string Quoted(IEnumerable<string> names) => string.Join(", ", names.Select(n => "'" + n + "'"));

    /// <summary>How messages name an instance: <c>'my_pruner' (AutomatedGradualPruner)</c>.</summary>
    public static string Describe(ComponentDefinition component) =>
        component.ClassName is { } className ? $"'{component.InstanceName}' ({className})" : $"'{component.InstanceName}'";
}
