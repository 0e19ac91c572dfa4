using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Parsing;
using Distiller.Typed.Validation;

namespace Distiller.Typed.Schedules;

/// <summary>
/// Reads Distiller-format schedule YAML — what Distiller's <c>file_config</c> / <c>dict_config</c> read — into a
/// <see cref="ScheduleDocument"/> plus every problem found without a model. Never throws on bad YAML.
/// </summary>
public static class Schedule
{
    /// <summary>Parses and validates <paramref name="text"/>; <paramref name="path"/> is used in diagnostics.</summary>
    public static ScheduleParseResult Parse(string text, string path)
    {
        var diagnostics = new List<ScheduleDiagnostic>();
        var root = YamlTreeReader.Read(text, path, diagnostics);
        var document = ScheduleDocumentReader.Read(root, path, diagnostics);
        ScheduleValidator.Validate(document, diagnostics);
        return new ScheduleParseResult(document, Sorted(diagnostics));
    }

    /// <summary>Reads the file at <paramref name="path"/> and parses it; an unreadable file is a DTS016 diagnostic.</summary>
    public static ScheduleParseResult Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var diagnostic = ScheduleDiagnostic.Create(ScheduleDiagnosticDescriptors.UnreadableFile, path, SourceSpan.FileStart, e.Message);
            return new ScheduleParseResult(ScheduleDocument.Empty(path), EquatableArray.Create(diagnostic));
        }
        return Parse(text, path);
    }

    private static EquatableArray<ScheduleDiagnostic> Sorted(List<ScheduleDiagnostic> diagnostics) =>
        diagnostics.OrderBy(d => d.Span.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToEquatableArray();
}
