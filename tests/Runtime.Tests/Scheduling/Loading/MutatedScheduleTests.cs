using Distiller.Typed.Scheduling;
using TorchSharp;

namespace Distiller.Typed.Tests.Scheduling.Loading;

/// <summary>
/// Damaged schedules (each line deleted in turn, each file cut after each line) either load or fail with a
/// <see cref="ScheduleException"/> whose problems point into the file — never another exception from deep inside.
/// </summary>
public class MutatedScheduleTests
{
    public static TheoryData<string> Files() => new()
    {
        "alexnet.schedule_agp.yaml", "alexnet.schedule_mixed.yaml", "resnet50.schedule_group_lasso.yaml", "resnet50.schedule_l1_reg.yaml",
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void DeletedLinesAndTruncationsLoadOrFailWithPositionedProblems(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(LoadingModels.Schedules, file));
        var mutants = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            mutants.Add(string.Join("\n", lines.Where((_, j) => j != i)));
            mutants.Add(string.Join("\n", lines.Take(i)));
        }

        using torch.nn.Module model = file.StartsWith("alexnet", StringComparison.Ordinal) ? new LoadingModels.AlexNetLike() : new LoadingModels.ResNet50Like();
        var optimizer = torch.optim.SGD(model.parameters(), 0.1);
        int failed = 0;
        foreach (var text in mutants)
        {
            try
            {
                using var scheduler = CompressionSchedulerLoader.FromYaml(model, optimizer, text, "mutant.yaml");
            }
            catch (ScheduleException e)
            {
                failed++;
                Assert.NotEmpty(e.Problems);
                foreach (var problem in e.Problems.Where(p => p.Span is not null))
                {
                    Assert.Equal("mutant.yaml", problem.Path);
                    Assert.InRange(problem.Span!.Value.Line, 1, lines.Length + 1);
                }
            }
        }
        Assert.True(failed > 0, "some mutants must be rejected");
    }
}
