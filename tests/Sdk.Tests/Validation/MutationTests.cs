using Distiller.Typed.Schedules;

namespace Distiller.Typed.Tests.Validation;

/// <summary>
/// 80 damaged versions of every schedule in schedules/ (at least 400) go through Schedule.Parse (reader and validator): none
/// may throw or hang, and every diagnostic must point inside the text and format its message.
/// </summary>
public class MutationTests
{
    private const int MutantsPerSchedule = 80;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Every schedule shipped in schedules/ (the reference document's five and the sample's).</summary>
    public static TheoryData<string> ScheduleFiles()
    {
        var files = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(TestPaths.Schedules, "*.yaml").OrderBy(p => p, StringComparer.Ordinal))
            files.Add(Path.GetFileName(path));
        return files;
    }

    [Theory]
    [MemberData(nameof(ScheduleFiles))]
    public Task ScheduleMutantsNeverThrowOrHangAndReportPositionsInsideTheFile(string file) =>
        CheckMutants(Path.Combine(TestPaths.Schedules, file));

    private static async Task CheckMutants(string path)
    {
        var file = Path.GetFileName(path);
        // Comment lines are dropped first so the mutations land on content.
        var original = string.Join("\n", File.ReadAllText(path).Replace("\r\n", "\n").Split('\n').Where(l => !l.TrimStart().StartsWith('#')));
        Assert.DoesNotContain(Schedule.Parse(original, file).Diagnostics, d => d.Severity != Diagnostics.ScheduleDiagnosticSeverity.Info); // the unmutated text is clean
        var mutator = new ScheduleMutator(seed: file.Length * 7919 + 17);
        int withDiagnostics = 0;
        for (int i = 0; i < MutantsPerSchedule; i++)
        {
            var text = mutator.Mutate(original);
            var task = Task.Run(() => Schedule.Parse(text, file));
            var first = await Task.WhenAny(task, Task.Delay(Timeout));
            Assert.True(first == task, $"Schedule.Parse did not finish within {Timeout.TotalSeconds} s on mutant {i} of {file}:\n{text}");
            ScheduleParseResult result;
            try
            {
                result = await task;
            }
            catch (Exception e)
            {
                Assert.Fail($"Schedule.Parse threw {e} on mutant {i} of {file}:\n{text}");
                return;
            }

            if (result.Diagnostics.Count > 0)
                withDiagnostics++;
            int lineCount = text.Split('\n').Length;
            foreach (var d in result.Diagnostics)
            {
                var where = $"{d} on mutant {i} of {file}:\n{text}";
                Assert.True(d.Span.Start >= 0 && d.Span.Start <= text.Length, "Start outside the text: " + where);
                Assert.True(d.Span.End <= text.Length, "End outside the text: " + where);
                Assert.True(d.Span.Line >= 1 && d.Span.Line <= lineCount + 1, "Line outside the text: " + where);
                Assert.True(d.Span.Column >= 1, "Column before the line: " + where);
                Assert.False(string.IsNullOrWhiteSpace(d.Message), "Empty message: " + where);
            }
        }
        // The mutations must actually break things, or the test proves nothing.
        Assert.True(withDiagnostics >= MutantsPerSchedule / 2, $"only {withDiagnostics} of {MutantsPerSchedule} mutants of {file} had diagnostics");
    }

    [Fact]
    public void TheMutatorIsDeterministic()
    {
        var original = File.ReadAllText(Path.Combine(TestPaths.Schedules, "alexnet.schedule_agp.yaml"));
        var first = new ScheduleMutator(42);
        var second = new ScheduleMutator(42);
        for (int i = 0; i < 20; i++)
            Assert.Equal(first.Mutate(original), second.Mutate(original));
    }
}
