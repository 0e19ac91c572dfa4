using Distiller.Typed.Snapshot.Tests.Infrastructure;

namespace Distiller.Typed.Snapshot.Tests.Generator;

/// <summary>
/// Other tools' YAML given as AdditionalFiles is not a schedule: only YAML in a schedules folder, with Model metadata,
/// or with a schedule's top-level version:/policies: keys is checked, so a CI file or config is never reported.
/// </summary>
public sealed class OnlySchedulesTests
{
    private const string Workflow = "name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n";

    [Theory]
    [InlineData("/p/.github/workflows/ci.yaml")]
    [InlineData("/p/config/settings.yml")]
    [InlineData("/p/schedules.yaml")]
    public void Yaml_of_another_tool_outside_a_schedules_folder_is_ignored(string path)
    {
        var run = GeneratorRun.Of(new ScheduleText(path, Workflow));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Null(run.Result.Results.Single().Exception);
        Assert.Equal(GeneratedFiles(GeneratorRun.Of()), GeneratedFiles(run));
    }

    [Theory]
    [InlineData("/p/schedules/ci.yaml", null)]
    [InlineData("/p/schedules/nested/ci.yml", null)]
    [InlineData("/p/plans/ci.yaml", "AlexNet")]
    public void The_same_yaml_in_a_schedules_folder_or_with_Model_metadata_is_checked(string path, string? model)
    {
        var run = GeneratorRun.Of(new ScheduleText(path, Workflow, model));

        Assert.Contains(run.GeneratorDiagnostics, d => d.Id.StartsWith("DTS", StringComparison.Ordinal) && d.Location.GetLineSpan().Path == path);
    }

    [Theory]
    [InlineData("version: 1\nprunerz: {}\n")]
    [InlineData("policies:\n  - prunr: { instance_name: p }\n")]
    [InlineData("'version': 1\njobs: {}\n")]
    public void Yaml_shaped_like_a_schedule_is_checked_wherever_it_is(string text)
    {
        var run = GeneratorRun.Of(new ScheduleText("/p/plans/alexnet.plan.yaml", text));

        Assert.Contains(run.GeneratorDiagnostics, d => d.Id.StartsWith("DTS", StringComparison.Ordinal));
    }

    private static IEnumerable<string> GeneratedFiles(GeneratorRun run) => run.Result.GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)).Order();
}
