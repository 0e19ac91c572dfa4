using System.Globalization;
using System.Linq;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Diagnostics;

/// <summary>
/// One finding in a schedule file: which descriptor, where, and the message arguments. A plain value so it can
/// travel through the incremental generator; it becomes a compiler diagnostic only at the output step.
/// </summary>
public sealed record ScheduleDiagnostic(string Id, ScheduleDiagnosticSeverity Severity, string Path, SourceSpan Span, EquatableArray<string> Arguments)
{
    public static ScheduleDiagnostic Create(ScheduleDiagnosticDescriptor descriptor, string path, SourceSpan span, params object?[] arguments) =>
        new(descriptor.Id, descriptor.Severity, path, span,
            arguments.Select(a => System.Convert.ToString(a, CultureInfo.InvariantCulture) ?? "null").ToEquatableArray());

    public ScheduleDiagnosticDescriptor Descriptor => ScheduleDiagnosticDescriptors.Find(Id);

    public string Message => string.Format(CultureInfo.InvariantCulture, Descriptor.MessageFormat, Arguments.Cast<object>().ToArray());

    /// <summary>The compiler's format: <c>path(line,col): error DTS001: message</c>.</summary>
    public override string ToString() =>
        $"{Path}({Span.Line},{Span.Column}): {Severity.ToString().ToLowerInvariant()} {Id}: {Message}";
}
