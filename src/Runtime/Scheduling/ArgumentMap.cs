using System.Collections;
using System.Globalization;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Scheduling;

/// <summary>
/// A component's arguments (or any nested mapping) as plain .NET values, in schedule order — Distiller's kwargs.
/// Values are <c>null</c>, <see cref="bool"/>, <see cref="int"/>, <see cref="double"/>, <see cref="string"/>,
/// <see cref="IReadOnlyList{T}"/> of values, or a nested <see cref="ArgumentMap"/>. Each key may carry the
/// position it was read from, so errors found when the schedule is built can point into the YAML.
/// </summary>
public sealed class ArgumentMap : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly List<KeyValuePair<string, object?>> _entries = new();
    private readonly Dictionary<string, SourceSpan> _spans = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<SourceSpan>> _itemSpans = new(StringComparer.Ordinal);

    public ArgumentMap(string? path = null) => Path = path;

    /// <summary>The schedule file the values came from, if any.</summary>
    public string? Path { get; }

    public int Count => _entries.Count;

    public KeyValuePair<string, object?> this[int index] => _entries[index];

    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    public ArgumentMap Add(string key, object? value, SourceSpan? span = null)
    {
        if (ContainsKey(key))
            throw new ArgumentException($"The argument '{key}' is given twice.", nameof(key));
        _entries.Add(new(key, value));
        if (span is { } s)
            _spans[key] = s;
        return this;
    }

    public bool ContainsKey(string key) => _entries.Any(e => e.Key == key);

    public bool TryGetValue(string key, out object? value)
    {
        foreach (var entry in _entries)
        {
            if (entry.Key == key)
            {
                value = entry.Value;
                return true;
            }
        }
        value = null;
        return false;
    }

    /// <summary>Where <paramref name="key"/> was written, when the map was read from a file.</summary>
    public SourceSpan? SpanOf(string key) => _spans.TryGetValue(key, out var span) ? span : null;

    /// <summary>Where item <paramref name="index"/> of the list under <paramref name="key"/> was written, else where the key was.</summary>
    public SourceSpan? SpanOf(string key, int index) =>
        _itemSpans.TryGetValue(key, out var items) && index >= 0 && index < items.Count ? items[index] : SpanOf(key);

    /// <summary>Records where each item of the list under <paramref name="key"/> was written.</summary>
    public ArgumentMap WithItemSpans(string key, IReadOnlyList<SourceSpan> spans)
    {
        if (!ContainsKey(key))
            throw new ArgumentException($"There is no argument '{key}'.", nameof(key));
        _itemSpans[key] = spans;
        return this;
    }

    /// <summary>"file(line,col): " for <paramref name="key"/>, or an empty string when its position is unknown.</summary>
    public string LocationOf(string key) =>
        Path is not null && SpanOf(key) is { } s ? $"{Path}({s.Line},{s.Column}): " : "";

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Converts a YAML node to plain values: scalars resolve as YAML 1.1 plain scalars do.</summary>
    public static object? FromYaml(ScheduleValue value, string? path) => value switch
    {
        ScalarValue s when s.IsNull => null,
        ScalarValue s when s.TryGetBoolean(out var b) => b,
        ScalarValue s when s.TryGetInt32(out var i) => i,
        ScalarValue s when s.TryGetDouble(out var d) => d,
        ScalarValue s => s.Text,
        SequenceValue list => list.Items.Select(item => FromYaml(item, path)).ToList(),
        MappingValue map => FromYaml(map.Entries, path),
        _ => throw new ArgumentException($"Unexpected YAML node {value.GetType().Name}.", nameof(value)),
    };

    /// <summary>Converts mapping entries to an <see cref="ArgumentMap"/> keeping each key's position.</summary>
    public static ArgumentMap FromYaml(IEnumerable<MappingEntry> entries, string? path)
    {
        var map = new ArgumentMap(path);
        foreach (var entry in entries)
        {
            map.Add(entry.Key.Text, FromYaml(entry.Value, path), entry.Key.Span);
            if (entry.Value is SequenceValue list)
                map.WithItemSpans(entry.Key.Text, list.Items.Select(item => item.Span).ToList());
        }
        return map;
    }

    public override string ToString() =>
        "{" + string.Join(", ", _entries.Select(e => e.Key + ": " + Format(e.Value))) + "}";

    internal static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s => "'" + s + "'",
        ArgumentMap m => m.ToString(),
        IEnumerable<object?> list => "[" + string.Join(", ", list.Select(Format)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
