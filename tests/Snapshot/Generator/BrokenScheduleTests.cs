using System.Text.RegularExpressions;
using Distiller.Typed.Snapshot.Tests.Infrastructure;

namespace Distiller.Typed.Snapshot.Tests.Generator;

/// <summary>
/// A corpus of schedules each broken in one way (BrokenSchedules/*.yaml; the first line says which finding it
/// must produce). The findings, with line, column and message, are snapshotted; the generated code still
/// compiles, so the user sees the real error and no cascade.
/// </summary>
public sealed partial class BrokenScheduleTests
{
    public static TheoryData<string> Files => new(
        Directory.GetFiles(Path.Combine(TestPaths.ProjectDirectory, "BrokenSchedules"), "*.yaml").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Files))]
    public void Reports_the_finding_at_the_yaml_scalar(string fileName)
    {
        var text = File.ReadAllText(Path.Combine(TestPaths.ProjectDirectory, "BrokenSchedules", fileName));
        var expectedId = ExpectLine().Match(text).Groups[1].Value;
        var run = GeneratorRun.Of(new ScheduleText("/project/schedules/" + fileName, text));

        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == expectedId);
        Assert.Empty(run.CompilerProblems);
        SnapshotAssert.Verify("BrokenSchedules", Path.GetFileNameWithoutExtension(fileName), GeneratorHarness.Describe(run.GeneratorDiagnostics));
    }

    [GeneratedRegex(@"^# expect: (DTS\d{3})")]
    private static partial Regex ExpectLine();
}
