using System.Collections.Concurrent;
using System.Linq;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using RoslynSeverity = Microsoft.CodeAnalysis.DiagnosticSeverity;
using SdkSeverity = Distiller.Typed.Diagnostics.ScheduleDiagnosticSeverity;

namespace Distiller.Typed.Generators.Diagnostics;

/// <summary>Turns <see cref="DiagnosticInfo"/> into compiler diagnostics located inside the YAML file
/// (<c>Location.Create(path, textSpan, linePositionSpan)</c>, as CsWin32 does for NativeMethods.txt).</summary>
internal static class DiagnosticFactory
{
    private static readonly ConcurrentDictionary<string, Microsoft.CodeAnalysis.DiagnosticDescriptor> Descriptors = new();

    static DiagnosticFactory()
    {
        foreach (var descriptor in GeneratorDiagnostics.All)
        {
            Descriptors[descriptor.Id] = descriptor;
        }
    }

    public static DiagnosticInfo FromSdk(ScheduleDiagnostic diagnostic) =>
        new(diagnostic.Id, diagnostic.Path, diagnostic.Span, diagnostic.Arguments);

    public static Diagnostic ToDiagnostic(DiagnosticInfo info)
    {
        if (!Descriptors.TryGetValue(info.Id, out var descriptor))
        {
            try
            {
                descriptor = Descriptors.GetOrAdd(info.Id, FromSdkTable);
            }
            catch (System.ArgumentException e)
            {
                // An id neither table knows: report it rather than fail the generator.
                return Diagnostic.Create(GeneratorDiagnostics.InternalError, Location.None, info.Path, e.GetType().Name, e.Message);
            }
        }

        var span = info.Span;
        var location = Location.Create(
            info.Path,
            new TextSpan(span.Start, span.Length),
            new LinePositionSpan(
                new LinePosition(span.Line - 1, span.Column - 1),
                new LinePosition(span.EndLine - 1, span.EndColumn - 1)));
        return Diagnostic.Create(descriptor, location, info.Arguments.Cast<object?>().ToArray());
    }

    private static Microsoft.CodeAnalysis.DiagnosticDescriptor FromSdkTable(string id)
    {
        var sdk = ScheduleDiagnosticDescriptors.Find(id);
        var severity = sdk.Severity switch
        {
            SdkSeverity.Error => RoslynSeverity.Error,
            SdkSeverity.Warning => RoslynSeverity.Warning,
            _ => RoslynSeverity.Info,
        };
        return new Microsoft.CodeAnalysis.DiagnosticDescriptor(
            sdk.Id, sdk.Title, sdk.MessageFormat, sdk.Category, severity, isEnabledByDefault: true,
            helpLinkUri: GeneratorDiagnostics.HelpLink(sdk.Id));
    }
}
