using System.Collections;
using System.Reflection;
using Distiller.Typed.Generators;
using Distiller.Typed.Snapshot.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Distiller.Typed.Snapshot.Tests.Generator;

/// <summary>
/// The pipeline is incremental and its models hold only plain values (as System.Text.Json's
/// JsonSourceGeneratorIncrementalTests and Mapperly's IncrementalGeneratorTest check): an unrelated C# edit leaves
/// YAML parsing, binding and emission cached.
/// </summary>
public sealed class IncrementalTests
{
    private static GeneratorHarness Harness() => GeneratorHarness.Create(
        TestModels.Sources.Append("public static class Unrelated { public static int Value => 1; }"),
        [new ScheduleText("/p/schedules/alexnet.schedule_agp.yaml", File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "schedules", "alexnet.schedule_agp.yaml")))]);

    [Fact]
    public void An_unrelated_csharp_edit_leaves_yaml_parsing_binding_and_emission_cached()
    {
        var harness = Harness();
        harness.Run();
        harness.Edit(c => Replace(c, "Unrelated", "public static class Unrelated { public static int Value => 2; }"));
        var (result, _) = harness.Run();
        var steps = result.Results.Single().TrackedSteps;

        AssertAll(steps[StepNames.ParsedSchedules], IncrementalStepRunReason.Cached);
        AssertAll(steps[StepNames.BoundSchedules], IncrementalStepRunReason.Cached);
        AssertAll(steps[StepNames.ScheduleSources], IncrementalStepRunReason.Cached);
        AssertAll(steps[StepNames.ModelNameSources], IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void A_model_edit_rebinds_but_does_not_reparse_the_yaml()
    {
        var harness = Harness();
        harness.Run();
        harness.Edit(c => Replace(c, "class AlexNet", TestPaths.TestModel("AlexNet.cs").Replace("Linear(4096, numClasses)", "Linear(4096, numClasses, hasBias: false)")));
        var (result, _) = harness.Run();
        var steps = result.Results.Single().TrackedSteps;

        AssertAll(steps[StepNames.ParsedSchedules], IncrementalStepRunReason.Cached);
        AssertAll(steps[StepNames.AllModels], IncrementalStepRunReason.Modified);

        // The schedule is bound again; classifier.6.bias is not in it, so its bound form is equal and emission is skipped.
        AssertAll(steps[StepNames.BoundSchedules], IncrementalStepRunReason.Unchanged);
        AssertAll(steps[StepNames.ScheduleSources], IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void A_yaml_edit_reparses_it()
    {
        var harness = Harness();
        harness.Run();
        var text = harness.AdditionalTexts[0];
        var edited = new InMemoryAdditionalText(text.Path, text.GetText()!.ToString().Replace("gamma: 0.9", "gamma: 0.8"));
        harness.Edit(c => c);
        var driver = harness.Driver.ReplaceAdditionalText(text, edited).RunGenerators(harness.Compilation);
        var steps = driver.GetRunResult().Results.Single().TrackedSteps;

        Assert.Contains(steps[StepNames.ParsedSchedules].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void Pipeline_models_hold_no_symbols_syntax_locations_or_compilations()
    {
        var harness = Harness();
        var (result, _) = harness.Run();
        var steps = result.Results.Single().TrackedSteps;
        var checkedSteps = new[]
        {
            StepNames.ScheduleInputs, StepNames.ParsedSchedules, StepNames.Models, StepNames.AllModels,
            StepNames.RuntimeFeatures, StepNames.BoundSchedules, StepNames.ScheduleSources, StepNames.ModelNameSources,
        };

        foreach (var step in checkedSteps)
        {
            Assert.True(steps.ContainsKey(step), $"step {step} was not tracked");
            foreach (var output in steps[step].SelectMany(s => s.Outputs))
            {
                AssertPlain(output.Value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    [Fact]
    public void The_walk_finds_a_symbol_when_one_is_there()
    {
        // The check above must be able to fail: a value holding an ISymbol is rejected.
        var compilation = TestCompilation.Create("class C { }");
        var symbol = compilation.GetTypeByMetadataName("C")!;
        Assert.ThrowsAny<Exception>(() => AssertPlain(new { Held = (object)symbol }, "test", new HashSet<object>(ReferenceEqualityComparer.Instance)));
    }

    private static void AssertAll(IEnumerable<IncrementalGeneratorRunStep> steps, IncrementalStepRunReason reason)
    {
        var outputs = steps.SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.Equal(reason, o.Reason));
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, string marker, string source)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.ToString().Contains(marker, StringComparison.Ordinal));
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From(source)));
    }

    private static readonly Type[] Forbidden =
    [
        typeof(ISymbol), typeof(Compilation), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location),
        typeof(Diagnostic), typeof(SemanticModel), typeof(AdditionalText),
    ];

    private static void AssertPlain(object? value, string step, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }

        var type = value.GetType();
        Assert.False(Forbidden.Any(f => f.IsAssignableFrom(type)), $"step {step} holds a {type.FullName}");
        if (value is IEnumerable sequence)
        {
            foreach (var item in sequence)
            {
                AssertPlain(item, step, seen);
            }
        }

        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                Assert.False(Forbidden.Any(f => f.IsAssignableFrom(field.FieldType)), $"step {step}: {t.Name}.{field.Name} is a {field.FieldType.Name}");
                AssertPlain(field.GetValue(value), step, seen);
            }
        }
    }
}
