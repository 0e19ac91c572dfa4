using System.Text;
using Distiller.Typed.Snapshot.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Distiller.Typed.Snapshot.Tests.Generator;

/// <summary>One generator run over the sample models and some schedules, with what tests look at.</summary>
internal sealed record GeneratorRun(GeneratorDriverRunResult Result, Compilation Output)
{
    public static GeneratorRun Of(params ScheduleText[] schedules) => Of(TestModels.Sources, schedules);

    public static GeneratorRun Of(IEnumerable<string> sources, params ScheduleText[] schedules)
    {
        var harness = GeneratorHarness.Create(sources, schedules);
        var (result, output) = harness.Run();
        return new GeneratorRun(result, output);
    }

    public IReadOnlyList<Diagnostic> GeneratorDiagnostics => Result.Diagnostics;

    /// <summary>Warnings and errors of the C# compilation including generated code (generator findings excluded).</summary>
    public IReadOnlyList<Diagnostic> CompilerProblems =>
        Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && !d.Id.StartsWith("DTS", StringComparison.Ordinal)).ToList();

    public string? ScheduleSource(string className) =>
        Result.GeneratedTrees.Where(t => Path.GetFileName(t.FilePath).Contains("." + className + ".", StringComparison.Ordinal))
            .Select(t => t.GetText().ToString()).SingleOrDefault();

    public string DescribeSchedule(string className)
    {
        var text = new StringBuilder();
        text.AppendLine("// Diagnostics:");
        foreach (var line in GeneratorHarness.Describe(GeneratorDiagnostics).TrimEnd('\n').Split('\n'))
        {
            text.AppendLine("// " + line);
        }

        text.AppendLine();
        text.Append(ScheduleSource(className) ?? "// (no source generated)\n");
        return text.ToString();
    }
}
