using Distiller.Typed.Generators.Helpers;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Generators.Diagnostics;

/// <summary>
/// A diagnostic as plain data (id, file, span, message arguments) so it can sit in cached pipeline models; it
/// becomes a Roslyn <c>Diagnostic</c> only when reported (see <see cref="DiagnosticFactory"/>).
/// </summary>
internal sealed record DiagnosticInfo(string Id, string Path, SourceSpan Span, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, string path, SourceSpan span, params string[] arguments) =>
        new(descriptor.Id, path, span, arguments.ToEquatableArray());
}
