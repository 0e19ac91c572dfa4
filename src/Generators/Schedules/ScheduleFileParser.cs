using System;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Generators.Diagnostics;
using Distiller.Typed.Generators.Helpers;
using Distiller.Typed.Schedules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Distiller.Typed.Generators.Schedules;

/// <summary>Stage 1: reads an additional file and parses it with the Sdk, detached from the compilation.</summary>
internal static class ScheduleFileParser
{
    private const string ModelMetadataKey = "build_metadata.AdditionalFiles.Model";
    private const string ProjectDirKey = "build_property.ProjectDir";

    /// <summary>A top-level <c>version:</c> or <c>policies:</c> key (plain or quoted), the shape of a Distiller schedule.</summary>
    private static readonly Regex ScheduleShape = new(@"^[""']?(version|policies)[""']?[ \t]*:", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    public static bool IsYaml(AdditionalText text) =>
        text.Path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
        || text.Path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether a YAML additional file is a schedule: it lies in a <c>schedules</c> folder, has <c>Model</c> metadata,
    /// or has a schedule's top-level keys. Other tools' YAML (CI files, configs) given as AdditionalFiles is not a
    /// schedule and is left alone.
    /// </summary>
    public static bool IsSchedule(ScheduleInput input) =>
        input.ModelMetadata is not null
        || InSchedulesFolder(input.Path)
        || ScheduleShape.IsMatch(input.Text);

    private static bool InSchedulesFolder(string path)
    {
        var folders = path.Replace('\\', '/').Split('/');
        return folders.Take(folders.Length - 1).Contains("schedules", StringComparer.OrdinalIgnoreCase);
    }

    public static ScheduleInput Read(AdditionalText text, AnalyzerConfigOptionsProvider options, CancellationToken cancellationToken)
    {
        var content = text.GetText(cancellationToken)?.ToString() ?? string.Empty;
        options.GetOptions(text).TryGetValue(ModelMetadataKey, out var model);
        options.GlobalOptions.TryGetValue(ProjectDirKey, out var projectDir);
        return new ScheduleInput(text.Path, content, string.IsNullOrWhiteSpace(model) ? null : model!.Trim(), DisplayPath(text.Path, projectDir));
    }

    /// <summary><paramref name="path"/> relative to the project folder with '/' separators, else its file name.</summary>
    internal static string DisplayPath(string path, string? projectDir)
    {
        var normalised = path.Replace('\\', '/');
        if (!string.IsNullOrEmpty(projectDir))
        {
            var prefix = projectDir!.Replace('\\', '/');
            prefix = prefix.EndsWith("/", StringComparison.Ordinal) ? prefix : prefix + "/";
            if (normalised.StartsWith(prefix, StringComparison.Ordinal))
            {
                return normalised.Substring(prefix.Length);
            }
        }

        return System.IO.Path.GetFileName(path);
    }

    public static ScheduleFile Parse(ScheduleInput input, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var result = Schedule.Parse(input.Text, input.Path);
            return new ScheduleFile(
                input.Path,
                input.DisplayPath,
                input.ModelMetadata,
                result.Document,
                result.Diagnostics.Select(DiagnosticFactory.FromSdk).ToEquatableArray(),
                result.HasErrors);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ScheduleFile(
                input.Path,
                input.DisplayPath,
                input.ModelMetadata,
                ScheduleDocument.Empty(input.Path),
                EquatableArray.Create(DiagnosticInfo.Create(GeneratorDiagnostics.InternalError, input.Path, SourceSpan.FileStart, input.Path, e.GetType().Name, e.Message)),
                HasErrors: true);
        }
    }
}
