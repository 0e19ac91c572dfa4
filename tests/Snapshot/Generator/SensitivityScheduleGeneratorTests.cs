using Distiller.Typed.Sensitivity;
using Distiller.Typed.Snapshot.Tests.Infrastructure;

namespace Distiller.Typed.Snapshot.Tests.Generator;

/// <summary>
/// Schedules written by <see cref="SensitivitySchedule"/> from a sensitivity CSV of ResNet-20's weights compile against
/// the sample's <c>ResNet20</c> with no generator finding at all (no error, warning or info) and a clean build of the
/// generated builder: every AGP, structured-AGP and SensitivityPruner form.
/// </summary>
public sealed class SensitivityScheduleGeneratorTests
{
    // What --sense analyses in ResNet-20: conv1, the 18 block convolutions, the two downsample convolutions, and for
    // an element analysis fc (filter and channel analyses test 4-D weights only).
    private static IEnumerable<string> Weights(SensitivityGroup group)
    {
        yield return "conv1.weight";
        for (var stage = 1; stage <= 3; stage++)
            for (var block = 0; block < 3; block++)
            {
                yield return $"layer{stage}.{block}.conv1.weight";
                yield return $"layer{stage}.{block}.conv2.weight";
                if (stage > 1 && block == 0)
                    yield return $"layer{stage}.0.downsample.0.weight";
            }
        if (group == SensitivityGroup.Element)
            yield return "fc.weight";
    }

    /// <summary>Weight i keeps top-1 within a point up to level (i mod 4 + 1) × 0.2: four distinct levels.</summary>
    private static IReadOnlyList<SensitivityPoint> Points(SensitivityGroup group) =>
        Weights(group).SelectMany((name, i) => new[] { 0.0, 0.2, 0.4, 0.6, 0.8 }.Select(level =>
            new SensitivityPoint(name, level, level <= (i % 4 + 1) * 0.2 + 1e-9 ? 90 - level : 50, 99, 0.3))).ToList();

    public static TheoryData<SchedulePruner, SensitivityGroup> Forms => new()
    {
        { SchedulePruner.Agp, SensitivityGroup.Element },
        { SchedulePruner.Agp, SensitivityGroup.Filter },
        { SchedulePruner.Agp, SensitivityGroup.Channel },
        { SchedulePruner.Sensitivity, SensitivityGroup.Element },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public void A_schedule_written_from_the_CSV_compiles_against_the_model_with_no_findings(SchedulePruner pruner, SensitivityGroup group)
    {
        var points = Points(group);
        var yaml = SensitivitySchedule.Write(points, new SensitivityScheduleOptions { Budget = 1, Pruner = pruner, Group = group }, "sensitivity.csv");
        var run = GeneratorRun.Of(TestModels.ResNetPruneSources, new ScheduleText("/project/schedules/resnet20.schedule_from_sensitivity.yaml", yaml));

        Assert.True(run.GeneratorDiagnostics.Count == 0, GeneratorHarness.Describe(run.GeneratorDiagnostics) + yaml);
        Assert.Empty(run.CompilerProblems);
        Assert.NotNull(run.ScheduleSource("ResNet20FromSensitivitySchedule"));
        // Every weight is in the schedule (each kept a level above 0 within the budget).
        Assert.All(Weights(group), name => Assert.Contains(name, yaml));
    }
}
