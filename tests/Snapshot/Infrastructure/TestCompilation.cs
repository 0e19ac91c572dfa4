using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Distiller.Typed.Snapshot.Tests.Infrastructure;

/// <summary>Compilations of test sources against the running test's framework, TorchSharp and the runtime.</summary>
internal static class TestCompilation
{
    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    public static ImmutableArray<MetadataReference> References { get; } = LoadReferences();

    public static CSharpCompilation Create(params string[] sources) =>
        CSharpCompilation.Create(
            "Consumer",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>A compilation that references TorchSharp and the Sdk but not Distiller.Typed.Runtime.</summary>
    public static CSharpCompilation CreateWithoutRuntime(params string[] sources) =>
        Create(sources).RemoveReferences(References.Where(r => r.Display is { } path && Path.GetFileName(path) == "Distiller.Typed.Runtime.dll"));

    /// <summary>Errors and warnings of a compilation, for asserting that sources and generated code are clean.</summary>
    public static IReadOnlyList<Diagnostic> Problems(Compilation compilation) =>
        compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var paths = trusted
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)
                        || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll" or "Microsoft.CSharp.dll")
            .Append(typeof(TorchSharp.torch).Assembly.Location)
            .Append(typeof(CompressibleModelAttribute).Assembly.Location)
            .Append(typeof(Distiller.Typed.Schedules.Schedule).Assembly.Location)
            .Distinct();
        return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }
}
