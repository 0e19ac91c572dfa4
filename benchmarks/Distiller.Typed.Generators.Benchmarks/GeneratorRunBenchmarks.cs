using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Distiller.Typed.Generators.Benchmarks;

/// <summary>
/// A full generator run (fresh driver, fresh compilation: every schedule parsed, every model analysed, every
/// builder emitted) against an incremental run after an unrelated C# edit (what the IDE does on each keystroke).
/// </summary>
[MemoryDiagnoser]
public class GeneratorRunBenchmarks
{
    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _editedA = null!;
    private CSharpCompilation _editedB = null!;
    private GeneratorDriver _warm = null!;
    private int _edit;

    [GlobalSetup]
    public void Setup()
    {
        _compilation = Workload.Compilation(Workload.Unrelated(0));
        var unrelated = _compilation.SyntaxTrees.Single(t => t.FilePath == "Unrelated.cs");
        _editedA = _compilation.ReplaceSyntaxTree(unrelated, unrelated.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Workload.Unrelated(1))));
        _editedB = _compilation.ReplaceSyntaxTree(unrelated, unrelated.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Workload.Unrelated(2))));
        _warm = CreateDriver().RunGenerators(_compilation);

        var result = _warm.GetRunResult();
        if (result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) || result.GeneratedTrees.Length != Workload.Models * (Workload.SchedulesPerModel + 1))
        {
            throw new InvalidOperationException("The workload does not generate cleanly: " + string.Join("\n", result.Diagnostics));
        }
    }

    [Benchmark(Baseline = true, Description = "Full run: 50 schedules, 10 models")]
    public GeneratorDriver FullRun() => CreateDriver().RunGenerators((CSharpCompilation)_compilation.Clone());

    [Benchmark(Description = "Incremental run after an unrelated C# edit")]
    public GeneratorDriver IncrementalRun()
    {
        // Alternate between two edited versions so each call sees a change in the unrelated file.
        _warm = _warm.RunGenerators(_edit++ % 2 == 0 ? _editedA : _editedB);
        return _warm;
    }

    private static GeneratorDriver CreateDriver() => CSharpGeneratorDriver.Create(
        [new DistillerScheduleGenerator().AsSourceGenerator()],
        Workload.Schedules(),
        new CSharpParseOptions(LanguageVersion.Latest));
}
