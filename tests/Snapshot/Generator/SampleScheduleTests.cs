using Distiller.Typed.Snapshot.Tests.Infrastructure;

namespace Distiller.Typed.Snapshot.Tests.Generator;

/// <summary>
/// The ResNetPrune sample's schedules in <c>schedules/</c> against the sample's own model sources
/// (samples/ResNetPrune/Models): no generator error, the generated builder snapshotted, and the generated code
/// compiles with no warning under nullable.
/// </summary>
public sealed class SampleScheduleTests
{
    public static TheoryData<string, string> Schedules => new()
    {
        { "resnet20.protocol_agp.yaml", "ResNet20ProtocolAgpSchedule" },
        { "resnet20.protocol_dense.yaml", "ResNet20ProtocolDenseSchedule" },
        { "resnet20.schedule_agp.yaml", "ResNet20AgpSchedule" },
        { "resnet20.schedule_dorefa.yaml", "ResNet20DorefaSchedule" },
        { "resnet20.schedule_filter_agp.yaml", "ResNet20FilterAgpSchedule" },
        { "resnet20.schedule_group_lasso.yaml", "ResNet20GroupLassoSchedule" },
        { "resnet20.schedule_l1.yaml", "ResNet20L1Schedule" },
        { "resnet20.schedule_mixed.yaml", "ResNet20MixedSchedule" },
        { "resnet20.schedule_sensitivity.yaml", "ResNet20SensitivitySchedule" },
        { "resnet20narrow.schedule_agp.yaml", "ResNet20NarrowAgpSchedule" },
        { "resnet20narrow.schedule_dense.yaml", "ResNet20NarrowDenseSchedule" },
    };

    [Theory]
    [MemberData(nameof(Schedules))]
    public void Generates_a_builder_that_compiles_cleanly(string fileName, string className)
    {
        var text = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "schedules", fileName));
        var run = GeneratorRun.Of(TestModels.ResNetPruneSources, new ScheduleText("/project/schedules/" + fileName, text));

        Assert.Empty(run.CompilerProblems);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning);
        Assert.NotNull(run.ScheduleSource(className));
        SnapshotAssert.Verify("SampleSchedules", Path.GetFileNameWithoutExtension(fileName), run.DescribeSchedule(className));
    }
}
