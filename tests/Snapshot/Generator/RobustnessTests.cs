using Distiller.Typed.Snapshot.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Distiller.Typed.Snapshot.Tests.Generator;

/// <summary>No YAML and no model code makes the generator throw (which the compiler would report as CS8785).</summary>
public sealed class RobustnessTests
{
    [Fact]
    public void Mutated_schedules_never_crash_the_generator()
    {
        var schedules = Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "schedules"), "*.yaml")
            .Concat(Directory.GetFiles(Path.Combine(TestPaths.ProjectDirectory, "BrokenSchedules"), "*.yaml"))
            .Select(File.ReadAllText).ToList();
        var random = new Random(20261125);
        var harness = GeneratorHarness.Create(TestModels.Sources, [new ScheduleText("/p/schedules/alexnet.fuzz.yaml", schedules[0])]);
        harness.Run();
        var driver = harness.Driver;
        var current = harness.AdditionalTexts[0];

        for (var i = 0; i < 120; i++)
        {
            var mutated = Mutate(schedules[random.Next(schedules.Count)], random);
            var next = new InMemoryAdditionalText(current.Path, mutated);
            driver = driver.ReplaceAdditionalText(current, next).RunGenerators(harness.Compilation);
            current = next;
            var result = driver.GetRunResult();
            Assert.True(result.Results.Single().Exception is null, $"generator threw on:\n{mutated}\n{result.Results.Single().Exception}");
            Assert.DoesNotContain(result.Diagnostics, d => d.Id is "CS8785" or "DTS199");
            Assert.All(result.Diagnostics, d => Assert.True(d.Location.SourceSpan.End <= mutated.Length, $"{d} points outside the file"));
        }
    }

    [Fact]
    public void An_unclosed_flow_list_before_more_keys_is_a_yaml_error_not_a_generator_failure()
    {
        const string text = "version: 1\npruners:\n  p:\n    class: AutomatedGradualPruner\n    weights: [classifier.1.weight\npolicies:\n  - pruner:\n      instance_name: p\n";
        var run = GeneratorRun.Of(new ScheduleText("/p/schedules/alexnet.unclosed.yaml", text));

        Assert.Null(run.Result.Results.Single().Exception);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "DTS199");
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "DTS001");
    }

    [Fact]
    public void Unusual_model_code_is_analysed_without_crashing()
    {
        const string odd = """
            using System.Collections.Generic;
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;
            namespace Odd;
            [Distiller.Typed.CompressibleModel]
            public sealed class Recursive : Module<Tensor, Tensor>
            {
                private readonly Recursive? inner;
                private readonly Sequential body;
                private readonly ModuleList<Module<Tensor, Tensor>> list = ModuleList<Module<Tensor, Tensor>>();
                public Recursive(int depth) : base("Recursive")
                {
                    inner = depth > 0 ? new Recursive(depth - 1) : null;
                    body = Sequential(MakeMany());
                    list.extend(new List<Module<Tensor, Tensor>> { Linear(1, 1) });
                    list[0] = ReLU();
                    RegisterComponents();
                }
                private static IEnumerable<Module<Tensor, Tensor>> MakeMany() { yield return Linear(1, 1); }
                public override Tensor forward(Tensor x) => body.call(x);
            }
            [Distiller.Typed.CompressibleModel]
            public partial class Split : Module<Tensor, Tensor>
            {
                private readonly Linear a = Linear(1, 1);
                public Split() : base("Split") { RegisterComponents(); }
            }
            public partial class Split
            {
                private readonly Conv1d b = Conv1d(1, 1, 1);
                public override Tensor forward(Tensor x) => b.call(a.call(x));
            }
            """;
        var run = GeneratorRun.Of([odd]);

        Assert.Null(run.Result.Results.Single().Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilerProblems);
        var split = run.Result.GeneratedTrees.Single(t => t.FilePath.EndsWith("SplitNames.g.cs", StringComparison.Ordinal)).ToString();
        Assert.Contains("\"a.weight\"", split);
        Assert.Contains("\"b.bias\"", split);
    }

    [Fact]
    public void Nested_models_of_the_same_name_get_distinct_generated_classes()
    {
        const string nested = """
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;
            namespace Nested;
            public static class First
            {
                [Distiller.Typed.CompressibleModel]
                public sealed class Net : Module<Tensor, Tensor>
                {
                    private readonly TorchSharp.Modules.Linear fc = Linear(2, 2);
                    public Net() : base("Net") { RegisterComponents(); }
                    public override Tensor forward(Tensor x) => fc.call(x);
                }
            }
            [Distiller.Typed.CompressibleModel]
            public sealed class Generic<T> : Module<Tensor, Tensor>
            {
                private readonly TorchSharp.Modules.Linear fc = Linear(2, 2);
                public Generic() : base("Generic") { RegisterComponents(); }
                public override Tensor forward(Tensor x) => fc.call(x);
            }
            public static class Second
            {
                [Distiller.Typed.CompressibleModel]
                private sealed class Net : Module<Tensor, Tensor>
                {
                    private readonly TorchSharp.Modules.Linear head = Linear(2, 2);
                    public Net() : base("Net") { RegisterComponents(); }
                    public override Tensor forward(Tensor x) => head.call(x);
                }
            }
            """;
        const string schedule = "model: Nested.Second.Net\npruners:\n  p:\n    class: AutomatedGradualPruner\n    initial_sparsity: 0.05\n    final_sparsity: 0.5\n    weights: [head.weight]\npolicies:\n  - pruner:\n      instance_name: p\n    starting_epoch: 0\n    ending_epoch: 4\n    frequency: 1\n";
        var run = GeneratorRun.Of(
            [nested],
            new ScheduleText("/project/schedules/plan.yaml", schedule),
            new ScheduleText("/project/schedules/generic.plan.yaml", schedule.Replace("model: Nested.Second.Net\n", string.Empty).Replace("head.weight", "fc.weight")));

        Assert.Null(run.Result.Results.Single().Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilerProblems);
        var files = run.Result.GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)).ToList();
        Assert.Contains("Nested.FirstNetNames.g.cs", files);
        Assert.Contains("Nested.SecondNetNames.g.cs", files);

        // The private model cannot be named by a namespace-level Build; CreateSpec is still there.
        var builder = run.ScheduleSource("SecondNetPlanSchedule")!;
        Assert.Contains("CreateSpec(", builder);
        Assert.DoesNotContain("Build(", builder);
        Assert.DoesNotContain("Build(", run.ScheduleSource("GenericPlanSchedule")!);
    }

    private static string Mutate(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        switch (random.Next(6))
        {
            case 0 when lines.Count > 1:
                lines.RemoveAt(random.Next(lines.Count));
                return string.Join('\n', lines);
            case 1:
                return text[..random.Next(text.Length)];
            case 2 when lines.Count > 2:
                var i = random.Next(lines.Count - 1);
                (lines[i], lines[i + 1]) = (lines[i + 1], lines[i]);
                return string.Join('\n', lines);
            case 3:
                var at = random.Next(text.Length);
                const string noise = "[{:&*'\"-\t";
                return text[..at] + noise[random.Next(noise.Length)] + text[at..];
            case 4:
                return text.Replace("weight", "weigth");
            default:
                return text.Replace("0.", "-").Replace(": ", ":");
        }
    }
}
