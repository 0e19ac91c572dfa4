namespace Distiller.Typed.Diagnostics;

/// <summary>
/// A kind of schedule finding: stable id (<c>DTS</c> + 3 digits), title, message format with
/// <c>{0}</c>-style placeholders, severity and category. The generator turns each into a Roslyn descriptor.
/// </summary>
public sealed record DiagnosticDescriptor(string Id, string Title, string MessageFormat, DiagnosticSeverity Severity, string Category)
{
    public string HelpLink => "docs/diagnostics.md#" + Id.ToLowerInvariant();
}
