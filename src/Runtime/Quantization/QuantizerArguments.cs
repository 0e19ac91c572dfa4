using System.Globalization;

namespace Distiller.Typed.Quantization;

/// <summary>
/// Reads the loosely typed argument values a schedule or an overrides entry carries (numbers, strings, booleans,
/// nested maps; YAML may give any scalar as a string) into typed values, with errors that name the argument and
/// where it came from.
/// </summary>
public static class QuantizerArguments
{
    public static int? ToNullableInt(object? value, string argument, string context)
    {
        switch (value)
        {
            case null: return null;
            case int i: return i;
            case long l when l is >= int.MinValue and <= int.MaxValue: return (int)l;
            case double d when d == Math.Floor(d) && Math.Abs(d) < int.MaxValue: return (int)d;
            case float f when f == MathF.Floor(f) && Math.Abs(f) < int.MaxValue: return (int)f;
            case string s when s.Length == 0 || s is "null" or "None" or "~": return null;
            case string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p): return p;
        }
        throw new ArgumentException($"{context}: '{argument}' must be an integer or null, got '{value}'.", argument);
    }

    public static double? ToNullableDouble(object? value, string argument, string context)
    {
        switch (value)
        {
            case null: return null;
            case int i: return i;
            case long l: return l;
            case double d: return d;
            case float f: return f;
            case decimal m: return (double)m;
            case string s when s.Length == 0 || s is "null" or "None" or "~": return null;
            case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p): return p;
        }
        throw new ArgumentException($"{context}: '{argument}' must be a number or null, got '{value}'.", argument);
    }

    public static bool ToBool(object? value, string argument, string context)
    {
        switch (value)
        {
            case bool b: return b;
            case string s when bool.TryParse(s, out var p): return p;
            case string s when s is "yes" or "on" or "1": return true;
            case string s when s is "no" or "off" or "0": return false;
        }
        throw new ArgumentException($"{context}: '{argument}' must be true or false, got '{value ?? "null"}'.", argument);
    }

    public static string? ToNullableString(object? value, string argument, string context) => value switch
    {
        null => null,
        string s => s,
        IConvertible c => c.ToString(CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"{context}: '{argument}' must be a string, got a {value.GetType().Name}.", argument),
    };

    /// <summary>A nested map (e.g. <c>mode: {activations: ..., weights: ...}</c>) as a string-keyed dictionary, or null when the value is not a map.</summary>
    public static IReadOnlyDictionary<string, object?>? AsMap(object? value)
    {
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> d: return d;
            case IDictionary<string, object?> d: return new Dictionary<string, object?>(d);
            case IEnumerable<KeyValuePair<string, object?>> pairs: // an ArgumentMap: keeps the schedule's order
                var ordered = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, item) in pairs)
                    ordered[key] = item;
                return ordered;
            case System.Collections.IDictionary d:
                var r = new Dictionary<string, object?>();
                foreach (System.Collections.DictionaryEntry e in d)
                    r[Convert.ToString(e.Key, CultureInfo.InvariantCulture)!] = e.Value;
                return r;
            default: return null;
        }
    }

    /// <summary>A sequence of strings (a YAML list or a single string).</summary>
    public static IReadOnlyList<string> ToStringList(object? value, string argument, string context) => value switch
    {
        null => Array.Empty<string>(),
        string s => new[] { s },
        System.Collections.IEnumerable e => e.Cast<object?>().Select(o => ToNullableString(o, argument, context) ?? "").ToList(),
        _ => throw new ArgumentException($"{context}: '{argument}' must be a list of strings.", argument),
    };
}
