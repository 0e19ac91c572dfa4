using Distiller.Typed.Generators.Diagnostics;
using Distiller.Typed.Generators.Helpers;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Generators.Schedules;

/// <summary>A schedule file as the compiler hands it over: its path, text and the <c>Model</c> item metadata.</summary>
/// <param name="DisplayPath">The path relative to the project (<c>schedules/alexnet.schedule_agp.yaml</c>), or the
/// file name when the project folder is not known; what generated code and run-time errors show.</param>
internal sealed record ScheduleInput(string Path, string Text, string? ModelMetadata, string DisplayPath);

/// <summary>
/// A schedule parsed without the compilation (stage 1): the document, the Sdk's model-free findings, and the
/// binding hints. Only value-equal data, so a C# edit leaves it cached.
/// </summary>
internal sealed record ScheduleFile(
    string Path,
    string DisplayPath,
    string? ModelMetadata,
    ScheduleDocument Document,
    EquatableArray<DiagnosticInfo> Diagnostics,
    bool HasErrors)
{
    /// <summary>The file name: <c>alexnet.schedule_agp.yaml</c>.</summary>
    public string FileName => System.IO.Path.GetFileName(Path);
}
