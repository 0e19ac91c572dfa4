using System.Collections;
using System.Globalization;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;
using Distiller.Typed.Validation;

namespace Distiller.Typed.Scheduling;

/// <summary>
/// Runs the schedule language's one validator (src/Sdk, <see cref="ScheduleValidator"/>) on a
/// <see cref="ScheduleSpec"/> — one read from a file, made by a generated builder, edited through its
/// <c>Options</c>, or written in code — by turning it back into the document model the generator checks. The
/// findings are the same DTS ids and messages the compiler reports, at the argument's key when the spec knows where
/// it was written.
/// </summary>
internal static class ScheduleSpecValidation
{
    /// <summary>Every error the validator finds, as problems (warnings and notes are the compiler's to show).</summary>
    public static IEnumerable<ScheduleProblem> Problems(ScheduleSpec spec)
    {
        var diagnostics = new List<ScheduleDiagnostic>();
        ScheduleValidator.Validate(ToDocument(spec), diagnostics);
        return diagnostics
            .Where(d => d.Severity == ScheduleDiagnosticSeverity.Error)
            .Select(d => new ScheduleProblem($"error {d.Id}: {d.Message}", spec.Path, d.Span == Unknown ? null : d.Span));
    }

    /// <summary>Stands for "written nowhere" (a spec built in code); never a real position (zero length at offset −1).</summary>
    private static readonly SourceSpan Unknown = new(-1, 0, 0, 0, 0, 0);

    internal static ScheduleDocument ToDocument(ScheduleSpec spec)
    {
        var components = spec.Components.Select(c =>
        {
            var at = c.Span ?? Unknown;
            return new ComponentDefinition(c.Section, new ScalarValue(c.InstanceName, false, at), new ScalarValue(c.ClassName, false, at),
                Entries(c.Arguments, at), at);
        });
        var policies = spec.Policies.Select(p =>
        {
            var at = p.Span ?? Unknown;
            return new PolicyDefinition(p.Section, new ScalarValue(p.Section.PolicyKey(), false, at), new ScalarValue(p.InstanceName, false, at),
                p.Args.Count == 0 ? null : new MappingValue(Entries(p.Args, at), at),
                Int(p.StartingEpoch, at), Int(p.EndingEpoch, at), Int(p.Frequency, at),
                p.Epochs is { } epochs ? new SequenceValue(epochs.Select(e => (ScheduleValue)new ScalarValue(Text(e), true, at)).ToEquatableArray(), at) : null,
                at);
        });
        return new ScheduleDocument(spec.Path ?? "schedule", null, null, components.ToEquatableArray(), policies.ToEquatableArray());
    }

    private static ScalarValue? Int(int? value, SourceSpan at) => value is { } v ? new ScalarValue(Text(v), true, at) : null;

    private static EquatableArray<MappingEntry> Entries(ArgumentMap map, SourceSpan fallback) =>
        map.Select(e =>
        {
            var at = map.SpanOf(e.Key) ?? fallback;
            return new MappingEntry(new ScalarValue(e.Key, false, at), Value(e.Value, at, i => map.SpanOf(e.Key, i) ?? at));
        }).ToEquatableArray();

    /// <summary>A plain value as the YAML node it would have been read from: strings stay strings (quoted), numbers
    /// and booleans are plain scalars, a double always reads back as a number with a fraction.</summary>
    private static ScheduleValue Value(object? value, SourceSpan at, Func<int, SourceSpan> itemAt) => value switch
    {
        null => new ScalarValue("null", true, at),
        bool b => new ScalarValue(b ? "true" : "false", true, at),
        int or long or short or byte => new ScalarValue(Convert.ToString(value, CultureInfo.InvariantCulture)!, true, at),
        double or float => new ScalarValue(Text(Convert.ToDouble(value, CultureInfo.InvariantCulture)), true, at),
        string s => new ScalarValue(s, false, at),
        ArgumentMap map => new MappingValue(Entries(map, at), at),
        IEnumerable<KeyValuePair<string, object?>> pairs => new MappingValue(
            pairs.Select(p => new MappingEntry(new ScalarValue(p.Key, false, at), Value(p.Value, at, _ => at))).ToEquatableArray(), at),
        IList list => new SequenceValue(list.Cast<object?>().Select((item, i) => Value(item, itemAt(i), _ => itemAt(i))).ToEquatableArray(), at),
        _ => new ScalarValue(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "", false, at),
    };

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(double value)
    {
        if (double.IsNaN(value))
            return ".nan";
        if (double.IsInfinity(value))
            return value > 0 ? ".inf" : "-.inf";
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOfAny(['.', 'E', 'e']) < 0 ? text + ".0" : text;
    }
}
