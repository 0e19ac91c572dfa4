using System.Reflection;
using Distiller.Typed.Scheduling;
using Distiller.Typed.Schedules;
using Distiller.Typed.Snapshot.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Distiller.Typed.Snapshot.Tests.Generator;

/// <summary>What the emitted builders do when compiled and run: options change the spec, names are constants, and
/// Build asks for an optimizer exactly when the schedule needs one.</summary>
public sealed class EmissionTests
{
    private static string Read(string file) => File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "schedules", file));

    [Fact]
    public void Options_are_typed_and_editable_and_flow_into_the_spec()
    {
        const string user = """
            public static class User
            {
                public static Distiller.Typed.Scheduling.ScheduleSpec Make()
                {
                    var options = new Samples.Vision.AlexNetAgpSchedule.Options();
                    options.MyPruner.Sensitivities[Samples.Vision.AlexNetNames.Parameters.Classifier6Weight] = 0.5;
                    options.PruningLr.Gamma = 0.95;
                    return Samples.Vision.AlexNetAgpSchedule.CreateSpec(options);
                }
            }
            """;
        var run = GeneratorRun.Of(TestModels.Sources.Append(user), new ScheduleText("/p/schedules/alexnet.schedule_agp.yaml", Read("alexnet.schedule_agp.yaml")));
        Assert.Empty(run.CompilerProblems);

        var spec = (ScheduleSpec)Load(run.Output).GetType("User")!.GetMethod("Make")!.Invoke(null, null)!;

        Assert.Equal(2, spec.Components.Count);
        var pruner = spec.Components[0];
        Assert.Equal(("my_pruner", "SensitivityPruner", ScheduleSection.Pruners), (pruner.InstanceName, pruner.ClassName, pruner.Section));
        Assert.True(pruner.Arguments.TryGetValue("sensitivities", out var value));
        var sensitivities = Assert.IsType<ArgumentMap>(value);
        // The DataParallel names of the YAML arrive normalised: features.module.0.weight -> features.0.weight.
        Assert.True(sensitivities.TryGetValue("features.0.weight", out var first));
        Assert.Equal(0.25, first);
        Assert.True(sensitivities.TryGetValue("classifier.6.weight", out var edited));
        Assert.Equal(0.5, edited);
        Assert.True(spec.Components[1].Arguments.TryGetValue("gamma", out var gamma));
        Assert.Equal(0.95, gamma);
        Assert.Equal(2, spec.Policies.Count);
        Assert.Equal((0, 38, 2), (spec.Policies[0].StartingEpoch, spec.Policies[0].EndingEpoch, spec.Policies[0].Frequency));
        Assert.Equal((24, 200, 1), (spec.Policies[1].StartingEpoch, spec.Policies[1].EndingEpoch, spec.Policies[1].Frequency));
        Assert.Equal(new SourceSpan(170, 9, 4, 3, 4, 12).Line, spec.Components[0].Span!.Value.Line);
    }

    [Fact]
    public void DataParallel_override_keys_arrive_normalised()
    {
        const string user = """
            public static class User
            {
                public static Distiller.Typed.Scheduling.ScheduleSpec Make() => Samples.Cifar.ResNet20OverrideDataparallelSchedule.CreateSpec();
            }
            """;
        var text = File.ReadAllText(Path.Combine(TestPaths.ProjectDirectory, "BrokenSchedules", "resnet20.override_dataparallel.yaml"));
        var run = GeneratorRun.Of(TestModels.Sources.Append(user), new ScheduleText("/p/schedules/resnet20.override_dataparallel.yaml", text));
        Assert.Empty(run.CompilerProblems);

        var spec = (ScheduleSpec)Load(run.Output).GetType("User")!.GetMethod("Make")!.Invoke(null, null)!;
        Assert.True(spec.Components.Single().Arguments.TryGetValue("overrides", out var overrides));
        Assert.Equal(["conv1", "fc"], Assert.IsType<ArgumentMap>(overrides).Keys);
    }

    [Fact]
    public void Model_names_are_constants_and_run_time_indices_are_parameters()
    {
        const string user = """
            public static class User
            {
                public static string[] Names() =>
                [
                    Samples.Cifar.ResNet20Names.Parameters.FcWeight,
                    Samples.Cifar.ResNet20Names.Parameters.Layer2Conv1Weight(1),
                    Samples.Cifar.ResNet20Names.Modules.Layer3Downsample0(0),
                    Samples.Text.TextClassifierNames.Parameters.AdaptersWeight("fr"),
                ];
            }
            """;
        var run = GeneratorRun.Of(TestModels.Sources.Append(user));
        Assert.Empty(run.CompilerProblems);

        var names = (string[])Load(run.Output).GetType("User")!.GetMethod("Names")!.Invoke(null, null)!;
        Assert.Equal(["fc.weight", "layer2.1.conv1.weight", "layer3.0.downsample.0", "adapters.fr.weight"], names);
    }

    [Theory]
    [InlineData("alexnet.schedule_agp.yaml", "AlexNetAgpSchedule", true)]
    [InlineData("resnet50.schedule_l1_reg.yaml", "ResNet50L1RegSchedule", false)]
    [InlineData("preactresnet20.schedule_dorefa.yaml", "PreActResNet20DorefaSchedule", true)]
    public void Build_takes_an_optimizer_exactly_when_the_schedule_has_an_lr_scheduler_or_qat(string file, string className, bool needsOptimizer)
    {
        // A stand-in with the runtime ScheduleBuilder's shape: (module, optimizer?, spec, optional extras) -> CompressionScheduler.
        const string scheduler = """
            namespace Distiller.Typed.Scheduling
            {
                public static class StandInScheduleBuilder
                {
                    public static CompressionScheduler Build(TorchSharp.torch.nn.Module model, TorchSharp.torch.optim.Optimizer? optimizer, ScheduleSpec spec, int? resumedEpoch = null, long[]? inputShape = null) =>
                        new CompressionScheduler(model, optimizer);
                }
            }
            """;
        var run = GeneratorRun.Of(TestModels.Sources.Append(scheduler), new ScheduleText("/p/schedules/" + file, Read(file)));
        Assert.Empty(run.CompilerProblems);

        var type = Load(run.Output).GetTypes().Single(t => t.Name == className);
        var build = type.GetMethod("Build")!;
        var parameters = build.GetParameters().Select(p => p.ParameterType.Name).ToArray();
        Assert.Equal(needsOptimizer, parameters.Contains("Optimizer"));
        Assert.Equal("Options", parameters[^1]);
        Assert.Contains("Build(model, " + (needsOptimizer ? "optimizer" : "null") + ", CreateSpec(options))", run.ScheduleSource(className));
    }

    [Fact]
    public void Build_is_emitted_only_when_the_runtime_has_a_scheduler_factory()
    {
        // Without the runtime assembly, with stand-ins for its types: no factory, so no Build.
        const string standIns = """
            namespace Distiller.Typed.Scheduling
            {
                public sealed class ScheduleSpec { }
                public sealed class CompressionScheduler { }
            }
            """;
        var bare = TestCompilation.CreateWithoutRuntime(standIns);
        Assert.Equal(new Distiller.Typed.Generators.Emit.RuntimeFeatures(true, null), Distiller.Typed.Generators.Emit.RuntimeApi.Detect(bare));

        const string factory = """
            namespace Distiller.Typed.Scheduling
            {
                public static class Loader
                {
                    public static CompressionScheduler FromText(TorchSharp.torch.nn.Module model, string text) => new();
                    public static CompressionScheduler FromSpec(ScheduleSpec spec, TorchSharp.torch.nn.Module model, TorchSharp.torch.optim.Optimizer? optimizer = null) => new();
                }
            }
            """;
        var withFactory = TestCompilation.CreateWithoutRuntime(standIns, factory);
        Assert.Equal(
            "global::Distiller.Typed.Scheduling.Loader.FromSpec({spec}, {model}, {optimizer})",
            Distiller.Typed.Generators.Emit.RuntimeApi.Detect(withFactory).FactoryCall);

        // And the runtime as it is: ScheduleBuilder.Build(model, optimizer, spec, …).
        Assert.Equal(
            "global::Distiller.Typed.Scheduling.ScheduleBuilder.Build({model}, {optimizer}, {spec})",
            Distiller.Typed.Generators.Emit.RuntimeApi.Detect(TestCompilation.Create("class C { }")).FactoryCall);
    }

    private static Assembly Load(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        var context = new System.Runtime.Loader.AssemblyLoadContext(null, isCollectible: true);
        stream.Position = 0;
        return context.LoadFromStream(stream);
    }
}
