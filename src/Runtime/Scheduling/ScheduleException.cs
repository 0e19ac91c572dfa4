using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Scheduling;

/// <summary>One problem found while building a scheduler from a schedule, with the file position when known.</summary>
public sealed record ScheduleProblem(string Message, string? Path = null, SourceSpan? Span = null)
{
    public override string ToString() =>
        Path is not null && Span is { } s ? $"{Path}({s.Line},{s.Column}): {Message}" : Message;
}

/// <summary>
/// Thrown when a schedule cannot be built; lists every problem at once (each with file and line when the
/// schedule came from a file) rather than stopping at the first.
/// </summary>
public sealed class ScheduleException : Exception
{
    public ScheduleException(IReadOnlyList<ScheduleProblem> problems)
        : base(Describe(problems)) => Problems = problems;

    public IReadOnlyList<ScheduleProblem> Problems { get; }

    public static ScheduleException FromDiagnostics(IEnumerable<ScheduleDiagnostic> diagnostics) =>
        new(diagnostics.Where(d => d.Severity == ScheduleDiagnosticSeverity.Error)
            .Select(d => new ScheduleProblem($"error {d.Id}: {d.Message}", d.Path, d.Span)).ToList());

    private static string Describe(IReadOnlyList<ScheduleProblem> problems) =>
        problems.Count == 1
            ? "The schedule cannot be built: " + problems[0]
            : $"The schedule cannot be built ({problems.Count} problems):" + Environment.NewLine +
              string.Join(Environment.NewLine, problems.Select(p => "  " + p));
}
