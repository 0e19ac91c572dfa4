using Distiller.Typed.Scheduling;
using Distiller.Typed.Training;

namespace Distiller.Typed.Samples.ResNetPrune.Cli;

/// <summary>
/// What the program does with an exception that ends a run. A problem with the input (a flag, a file, the output
/// folder) is one <c>error: FILE: what is wrong</c> line and exit code 1: the readers throw these exception types with
/// messages that name the file and what would be valid. Anything else is a bug in the program: the stack trace, a line
/// asking to report it, and exit code <see cref="BugExitCode"/>.
/// </summary>
public static class ErrorPolicy
{
    public const int UserErrorExitCode = 1;
    /// <summary>EX_SOFTWARE of sysexits.h: an internal software error.</summary>
    public const int BugExitCode = 70;

    public static int Run(Func<int> run, TextWriter error)
    {
        try
        {
            return run();
        }
        catch (Exception e) when (IsUserError(e))
        {
            error.WriteLine($"error: {e.Message}");
            return UserErrorExitCode;
        }
        catch (Exception e)
        {
            error.WriteLine($"internal error: {e}");
            error.WriteLine("This is a bug in ResNetPrune, not a problem with your input: please report it with the command line and this output.");
            return BugExitCode;
        }
    }

    /// <summary>
    /// Flags that do not parse or break a flag's rule (a value out of its range, an unknown choice): one
    /// <c>error: MESSAGE</c> line each (the messages name the flag and what is valid) and exit code 1.
    /// </summary>
    public static int ReportParseErrors(IEnumerable<System.CommandLine.Parsing.ParseError> errors, TextWriter error)
    {
        foreach (var e in errors)
            error.WriteLine($"error: {e.Message}");
        error.WriteLine("Run with --help for every flag and its valid values.");
        return UserErrorExitCode;
    }

    /// <summary>
    /// The exception types readers and checks use for bad input (each message names the file or flag), and a run
    /// that diverged (<see cref="NonFiniteLossException"/>: its message names the epoch, minibatch, last good
    /// checkpoint and likely causes).
    /// </summary>
    public static bool IsUserError(Exception e) =>
        e is ArgumentException or IOException or InvalidDataException or NotSupportedException or ScheduleException or UnauthorizedAccessException
            or NonFiniteLossException;
}
