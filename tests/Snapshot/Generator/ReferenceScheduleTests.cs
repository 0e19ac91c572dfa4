using Distiller.Typed.Snapshot.Tests.Infrastructure;

namespace Distiller.Typed.Snapshot.Tests.Generator;

/// <summary>
/// Every schedule in the repository's <c>schedules/</c> against the sample models: the generated builder and the
/// findings are snapshotted, and the generated code compiles with no warning under nullable.
/// </summary>
public sealed class ReferenceScheduleTests
{
    public static TheoryData<string, string> Schedules => new()
    {
        { "alexnet.schedule_agp.yaml", "AlexNetAgpSchedule" },
        { "alexnet.schedule_mixed.yaml", "AlexNetMixedSchedule" },
        { "preactresnet20.schedule_dorefa.yaml", "PreActResNet20DorefaSchedule" },
        { "resnet50.schedule_group_lasso.yaml", "ResNet50GroupLassoSchedule" },
        { "resnet50.schedule_l1_reg.yaml", "ResNet50L1RegSchedule" },
    };

    [Theory]
    [MemberData(nameof(Schedules))]
    public void Generates_a_builder_that_compiles_cleanly(string fileName, string className)
    {
        var text = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "schedules", fileName));
        var run = GeneratorRun.Of(new ScheduleText("/project/schedules/" + fileName, text));

        Assert.Empty(run.CompilerProblems);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        Assert.NotNull(run.ScheduleSource(className));
        SnapshotAssert.Verify("ReferenceSchedules", Path.GetFileNameWithoutExtension(fileName), run.DescribeSchedule(className));
    }

    /// <summary>
    /// The ResNetPrune sample's schedules (<c>resnet20.*</c>, <c>resnet20narrow.*</c>) are compiled by the sample's own
    /// build against its real models (warnings are errors there) and listed in its <c>CompiledSchedules</c>, which
    /// tests/Sample.Tests checks; every other file in schedules/ needs a case here.
    /// </summary>
    [Fact]
    public void Every_reference_schedule_has_a_case()
    {
        var files = Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "schedules"), "*.yaml").Select(Path.GetFileName)
            .Where(f => !f!.StartsWith("resnet20.", StringComparison.Ordinal) && !f.StartsWith("resnet20narrow.", StringComparison.Ordinal))
            .Order();
        Assert.Equal(files, Schedules.Select(row => (string)row[0]).Order());
    }
}
