using System;
using System.Linq;
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

    public static bool IsSchedule(AdditionalText text) =>
        text.Path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
        || text.Path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    public static ScheduleInput Read(AdditionalText text, AnalyzerConfigOptionsProvider options, CancellationToken cancellationToken)
    {
        var content = text.GetText(cancellationToken)?.ToString() ?? string.Empty;
        options.GetOptions(text).TryGetValue(ModelMetadataKey, out var model);
        return new ScheduleInput(text.Path, content, string.IsNullOrWhiteSpace(model) ? null : model!.Trim());
    }

    public static ScheduleFile Parse(ScheduleInput input, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var result = Schedule.Parse(input.Text, input.Path);
            return new ScheduleFile(
                input.Path,
                input.ModelMetadata,
                result.Document,
                result.Diagnostics.Select(DiagnosticFactory.FromSdk).ToImmutableEquatableArray(),
                result.HasErrors);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ScheduleFile(
                input.Path,
                input.ModelMetadata,
                ScheduleDocument.Empty(input.Path),
                ImmutableEquatableArray.Create(DiagnosticInfo.Create(GeneratorDiagnostics.InternalError, input.Path, SourceSpan.FileStart, input.Path, e.GetType().Name, e.Message)),
                HasErrors: true);
        }
    }
}
