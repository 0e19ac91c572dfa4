using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Distiller.Typed.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Distiller.Typed.Snapshot.Tests.Infrastructure;

/// <summary>A schedule file handed to the generator, with optional <c>Model</c> item metadata.</summary>
internal sealed record ScheduleText(string Path, string Text, string? Model = null);

/// <summary>
/// Runs <see cref="DistillerScheduleGenerator"/> the way the compiler does (CSharpGeneratorDriver with step
/// tracking), over test sources and schedule files.
/// </summary>
internal sealed class GeneratorHarness
{
    public GeneratorHarness(CSharpCompilation compilation, ImmutableArray<AdditionalText> additionalTexts, TestOptionsProvider options)
    {
        Compilation = compilation;
        AdditionalTexts = additionalTexts;
        Options = options;
        Driver = CSharpGeneratorDriver.Create(
            [new DistillerScheduleGenerator().AsSourceGenerator()],
            additionalTexts,
            TestCompilation.ParseOptions,
            options,
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    public CSharpCompilation Compilation { get; private set; }

    public ImmutableArray<AdditionalText> AdditionalTexts { get; }

    public TestOptionsProvider Options { get; }

    public GeneratorDriver Driver { get; private set; }

    public static GeneratorHarness Create(IEnumerable<string> sources, IEnumerable<ScheduleText> schedules)
    {
        var list = schedules.ToList();
        var texts = list.Select(s => (AdditionalText)new InMemoryAdditionalText(s.Path, s.Text)).ToImmutableArray();
        var options = new TestOptionsProvider(list.Where(s => s.Model is not null).ToDictionary(s => s.Path, s => s.Model!));
        return new GeneratorHarness(TestCompilation.Create(sources.ToArray()), texts, options);
    }

    /// <summary>Runs the generator; returns the result and the compilation with the generated sources added.</summary>
    public (GeneratorDriverRunResult Result, Compilation Output) Run()
    {
        Driver = Driver.RunGeneratorsAndUpdateCompilation(Compilation, out var output, out _);
        return (Driver.GetRunResult(), output);
    }

    /// <summary>Replaces the compilation (an edit) for the next <see cref="Run"/>.</summary>
    public void Edit(Func<CSharpCompilation, CSharpCompilation> edit) => Compilation = edit(Compilation);

    /// <summary>The generator's diagnostics, as the compiler prints them, with file names only.</summary>
    public static string Describe(IEnumerable<Diagnostic> diagnostics)
    {
        var text = new StringBuilder();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.GetLineSpan().Path, StringComparer.Ordinal)
                     .ThenBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal))
        {
            var span = diagnostic.Location.GetLineSpan();
            var file = Path.GetFileName(span.Path);
            var severity = diagnostic.Severity.ToString().ToLowerInvariant();
            text.AppendLine($"{file}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): {severity} {diagnostic.Id}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        return text.Length == 0 ? "(no diagnostics)\n" : text.ToString();
    }
}

internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text, Encoding.UTF8);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>Gives each additional file its <c>build_metadata.AdditionalFiles.Model</c>, as MSBuild does for
/// <c>CompilerVisibleItemMetadata</c>.</summary>
internal sealed class TestOptionsProvider(IReadOnlyDictionary<string, string> models) : AnalyzerConfigOptionsProvider
{
    /// <summary>The project folder the reference-schedule tests place their files in, as MSBuild passes it.</summary>
    public const string ProjectDir = "/project/";

    public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(ImmutableDictionary<string, string>.Empty.Add("build_property.ProjectDir", ProjectDir));

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => GlobalOptions;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
        models.TryGetValue(textFile.Path, out var model)
            ? new Options(ImmutableDictionary<string, string>.Empty.Add("build_property.ProjectDir", ProjectDir).Add("build_metadata.AdditionalFiles.Model", model))
            : GlobalOptions;

    private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
