namespace Distiller.Typed.Diagnostics;

/// <summary>
/// A kind of schedule finding: stable id (<c>DTS</c> + 3 digits), title, message format with
/// <c>{0}</c>-style placeholders, severity and category. The generator turns each into a Roslyn descriptor.
/// </summary>
public sealed record ScheduleDiagnosticDescriptor(string Id, string Title, string MessageFormat, ScheduleDiagnosticSeverity Severity, string Category)
{
    public string HelpLink => HelpLinkFor(Id);

    /// <summary>Where an id (the Sdk's DTS0xx or the generator's DTS1xx) is explained: its row in docs/diagnostics.md.</summary>
    public static string HelpLinkFor(string id) => "docs/diagnostics.md#" + id.ToLowerInvariant();
}
