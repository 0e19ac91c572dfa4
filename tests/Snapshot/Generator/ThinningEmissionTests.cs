using System.Reflection;
using Distiller.Typed.Scheduling;
using Distiller.Typed.Schedules;
using Distiller.Typed.Snapshot.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Distiller.Typed.Snapshot.Tests.Generator;

/// <summary>A schedule with Distiller's thinning extension compiles like any other: its arguments reach the spec and Build takes the optimizer.</summary>
public sealed class ThinningEmissionTests
{
    // The shape of Distiller's examples/agp-pruning/resnet20_filters.schedule_agp.yaml: prune filters, thin at epoch 30, fine-tune.
    private const string Schedule = """
        version: 1
        pruners:
          low_pruner:
            class: L1RankedStructureParameterPruner_AGP
            initial_sparsity: 0.10
            final_sparsity: 0.40
            group_type: Filters
            weights: [module.layer2.0.conv1.weight, module.layer2.1.conv1.weight]
        extensions:
          net_thinner:
            class: 'FilterRemover'
            thinning_func_str: remove_filters
            arch: 'resnet20_cifar'
            dataset: 'cifar10'
        policies:
          - pruner:
              instance_name: low_pruner
            starting_epoch: 0
            ending_epoch: 30
            frequency: 2
          - extension:
              instance_name: net_thinner
            epochs: [30]
        """;

    [Fact]
    public void A_filter_remover_schedule_compiles_and_its_builder_takes_the_optimizer()
    {
        const string user = """
            public static class User
            {
                public static Distiller.Typed.Scheduling.ScheduleSpec Make() => Samples.Cifar.ResNet20FilterThinningSchedule.CreateSpec();
            }
            """;
        var run = GeneratorRun.Of(TestModels.Sources.Append(user), new ScheduleText("/p/schedules/resnet20.schedule_filter_thinning.yaml", Schedule));
        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal("DTS106", d.Id)); // only the notes that 'module.' (DataParallel) is dropped
        Assert.Empty(run.CompilerProblems);

        var assembly = Load(run.Output);
        var build = assembly.GetTypes().Single(t => t.Name == "ResNet20FilterThinningSchedule").GetMethod("Build")!;
        Assert.Contains("Optimizer", build.GetParameters().Select(p => p.ParameterType.Name));
        var spec = (ScheduleSpec)assembly.GetType("User")!.GetMethod("Make")!.Invoke(null, null)!;
        var thinner = spec.Components.Single(c => c.Section == ScheduleSection.Extensions);
        Assert.Equal(("net_thinner", "FilterRemover"), (thinner.InstanceName, thinner.ClassName));
        Assert.True(thinner.Arguments.TryGetValue("thinning_func_str", out var function));
        Assert.Equal("remove_filters", function);
        Assert.True(thinner.Arguments.TryGetValue("dataset", out var dataset));
        Assert.Equal("cifar10", dataset);
        var policy = spec.Policies.Single(p => p.Section == ScheduleSection.Extensions);
        Assert.Equal([30], policy.Epochs!);
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
