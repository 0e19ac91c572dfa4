using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Tests.Validation;

/// <summary>Builds a schedule from numbered lines (line i of the file is lines[i - 1]) and parses it.</summary>
internal static class Yaml
{
    public static ScheduleParseResult Parse(params string[] lines) => Schedule.Parse(string.Join("\n", lines) + "\n", "t.yaml");

    /// <summary>The one diagnostic of the schedule; fails when it has none or several.</summary>
    public static ScheduleDiagnostic Only(params string[] lines)
    {
        var result = Parse(lines);
        return Assert.Single(result.Diagnostics);
    }

    /// <summary>The one diagnostic with <paramref name="id"/>; others may be present.</summary>
    public static ScheduleDiagnostic Single(string id, params string[] lines)
    {
        var result = Parse(lines);
        return Assert.Single(result.Diagnostics, d => d.Id == id);
    }

    public static void AssertAt(ScheduleDiagnostic diagnostic, string id, int line, int column)
    {
        Assert.True((id, line, column) == (diagnostic.Id, diagnostic.Span.Line, diagnostic.Span.Column),
            $"expected {id} at ({line},{column}), got {diagnostic}");
    }
}
