using Distiller.Typed.Snapshot.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Distiller.Typed.Snapshot.Tests.Generator;

/// <summary>Binding order: Model item metadata, then a top-level 'model:' key, then the file name's first segment.</summary>
public sealed class BindingTests
{
    private const string Schedule = """
        version: 1
        pruners:
          p:
            class: AutomatedGradualPruner
            initial_sparsity: 0.05
            final_sparsity: 0.5
            weights: [fc.weight]
        policies:
          - pruner:
              instance_name: p
            starting_epoch: 0
            ending_epoch: 10
            frequency: 1
        """;

    [Fact]
    public void Model_metadata_wins_over_the_model_key_and_the_file_name()
    {
        // The file name says AlexNet and the key says PreActResNet20; the metadata says ResNet20, which has fc.weight.
        var run = GeneratorRun.Of(new ScheduleText("/p/schedules/alexnet.plan.yaml", "model: PreActResNet20\n" + Schedule, Model: "ResNet20"));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.NotNull(run.ScheduleSource("ResNet20AlexnetPlanSchedule"));
    }

    [Fact]
    public void The_model_key_wins_over_the_file_name()
    {
        var run = GeneratorRun.Of(new ScheduleText("/p/schedules/alexnet.plan.yaml", "model: resnet20\n" + Schedule));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.NotNull(run.ScheduleSource("ResNet20AlexnetPlanSchedule"));
    }

    [Fact]
    public void The_file_name_binds_case_insensitively_and_names_the_class()
    {
        var run = GeneratorRun.Of(new ScheduleText("/p/schedules/resnet20.schedule_l1.yaml", Schedule));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.NotNull(run.ScheduleSource("ResNet20L1Schedule"));
    }

    [Fact]
    public void Two_classes_with_the_name_are_ambiguous_and_the_full_name_resolves_them()
    {
        const string twin = """
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;
            namespace Other;
            [Distiller.Typed.CompressibleModel]
            public sealed class ResNet20 : Module<Tensor, Tensor>
            {
                private readonly TorchSharp.Modules.Linear head;
                public ResNet20() : base("ResNet20") { head = Linear(2, 2); RegisterComponents(); }
                public override Tensor forward(Tensor x) => head.call(x);
            }
            """;
        var sources = TestModels.Sources.Append(twin).ToList();

        var ambiguous = GeneratorRun.Of(sources, new ScheduleText("/p/schedules/resnet20.schedule_l1.yaml", Schedule));
        var error = Assert.Single(ambiguous.GeneratorDiagnostics);
        Assert.Equal("DTS110", error.Id);
        Assert.Contains("matches several [CompressibleModel] classes (Samples.Cifar.ResNet20, Other.ResNet20)", error.GetMessage());
        Assert.Empty(ambiguous.CompilerProblems);

        var resolved = GeneratorRun.Of(sources, new ScheduleText("/p/schedules/resnet20.schedule_l1.yaml", Schedule, Model: "Samples.Cifar.ResNet20"));
        Assert.Empty(resolved.GeneratorDiagnostics);
    }

    [Fact]
    public void A_schedule_with_errors_still_emits_a_minimal_class_that_user_code_can_call()
    {
        const string user = """
            public static class User
            {
                public static Distiller.Typed.Scheduling.ScheduleSpec Make() =>
                    Samples.Cifar.ResNet20BrokenSchedule.CreateSpec(new Samples.Cifar.ResNet20BrokenSchedule.Options());
            }
            """;
        var broken = Schedule.Replace("[fc.weight]", "[fc.wieght]");
        var run = GeneratorRun.Of(TestModels.Sources.Append(user), new ScheduleText("/p/schedules/resnet20.broken.yaml", broken));

        Assert.Equal("DTS101", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Empty(run.CompilerProblems);
    }
}
