using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;
using TorchSharp;

namespace Distiller.Typed.Scheduling;

/// <summary>
/// Loads a Distiller YAML schedule at run time — Distiller's <c>file_config</c> / <c>dict_config</c> — untyped, checked
/// against the model when it is loaded: the YAML's own errors (syntax, unknown classes and arguments, bad values) and
/// every parameter or module name the model does not have are reported together in one <see cref="ScheduleException"/>,
/// each at its file(line,col).
/// </summary>
public static class CompressionSchedulerLoader
{
    /// <summary>Reads, checks and builds the schedule file at <paramref name="path"/> (see <see cref="ScheduleBuilder.Build"/>).</summary>
    /// <param name="warnings">Receives the schedule's warnings (the ones the generator reports at compile time), if given.</param>
    public static CompressionScheduler FromFile(torch.nn.Module model, torch.optim.Optimizer? optimizer, string path,
        int? resumedEpoch = null, long[]? inputShape = null, Action<ScheduleDiagnostic>? warnings = null) =>
        Build(model, optimizer, Schedule.Load(path), resumedEpoch, inputShape, warnings);

    /// <summary>Parses, checks and builds schedule text; <paramref name="path"/> names it in messages.</summary>
    public static CompressionScheduler FromYaml(torch.nn.Module model, torch.optim.Optimizer? optimizer, string text, string path = "schedule.yaml",
        int? resumedEpoch = null, long[]? inputShape = null) =>
        Build(model, optimizer, Schedule.Parse(text, path), resumedEpoch, inputShape);

    private static CompressionScheduler Build(torch.nn.Module model, torch.optim.Optimizer? optimizer, ScheduleParseResult result,
        int? resumedEpoch, long[]? inputShape, Action<ScheduleDiagnostic>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var warning in result.Diagnostics.Where(d => d.Severity == ScheduleDiagnosticSeverity.Warning))
            warnings?.Invoke(warning);
        if (!result.HasErrors)
            return ScheduleBuilder.Build(model, optimizer, ScheduleSpec.FromDocument(result), resumedEpoch, inputShape);

        // The YAML has errors: report them with every model-name problem the readable part has, so one run lists all.
        var problems = ScheduleException.FromDiagnostics(result.Diagnostics).Problems.ToList();
        ScheduleSpec? readable = null;
        try
        {
            readable = ScheduleSpec.FromDocument(result.Document);
        }
        catch (ArgumentException)
        {
            // e.g. a key given twice: already a diagnostic; the names of this document are not checked.
        }
        if (readable is not null)
            new ModelNames(model).Resolve(readable, problems);
        throw new ScheduleException(ScheduleBuilder.Sorted(problems));
    }
}
