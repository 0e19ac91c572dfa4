using System;
using System.Globalization;
using System.Linq;

namespace Distiller.Typed.Schedules;

/// <summary>A YAML node of a schedule, with its position. Aliases are already expanded.</summary>
public abstract record ScheduleValue(SourceSpan Span)
{
    /// <summary>"scalar", "list" or "mapping": how messages describe what was found.</summary>
    public abstract string Shape { get; }
}

/// <summary>
/// A YAML scalar. <see cref="IsPlain"/> is false for quoted and block scalars, which are always strings;
/// plain scalars resolve to null, booleans and numbers as PyYAML (which Distiller uses) resolves them, plus
/// exponent-only floats such as <c>2e-5</c>.
/// </summary>
public sealed record ScalarValue(string Text, bool IsPlain, SourceSpan Span) : ScheduleValue(Span)
{
    public override string Shape => "scalar";

    public bool IsNull => IsPlain && (Text.Length == 0 || Text is "~" or "null" or "Null" or "NULL");

    public bool TryGetBoolean(out bool value)
    {
        value = false;
        if (!IsPlain)
            return false;
        switch (Text)
        {
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON":
                value = true;
                return true;
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF":
                return true;
            default:
                return false;
        }
    }

    public bool TryGetInt32(out int value)
    {
        value = 0;
        if (!IsPlain)
            return false;
        var text = Text.Replace("_", "");
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return int.TryParse(text.Substring(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out value);
        return text.Length > 0 && text.All(c => char.IsDigit(c) || c == '-' || c == '+')
            && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public bool TryGetDouble(out double value)
    {
        value = 0;
        if (!IsPlain)
            return false;
        if (TryGetInt32(out var i))
        {
            value = i;
            return true;
        }
        switch (Text)
        {
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                value = double.PositiveInfinity;
                return true;
            case "-.inf" or "-.Inf" or "-.INF":
                value = double.NegativeInfinity;
                return true;
            case ".nan" or ".NaN" or ".NAN":
                value = double.NaN;
                return true;
        }
        var text = Text.Replace("_", "");
        return text.Length > 0 && (char.IsDigit(text[0]) || text[0] is '-' or '+' or '.')
            && text.All(c => char.IsDigit(c) || c is '-' or '+' or '.' or 'e' or 'E')
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>What the scalar reads as, for messages: "null", "boolean", "integer", "number" or "string".</summary>
    public string Kind =>
        IsNull ? "null"
        : TryGetBoolean(out _) ? "boolean"
        : TryGetInt32(out _) ? "integer"
        : TryGetDouble(out _) ? "number"
        : "string";

    public override string ToString() => Text;
}

/// <summary>A YAML sequence (flow <c>[a, b]</c> or block <c>- a</c>).</summary>
public sealed record SequenceValue(EquatableArray<ScheduleValue> Items, SourceSpan Span) : ScheduleValue(Span)
{
    public override string Shape => "list";
}

/// <summary>One key: value pair of a mapping; keys are scalars (complex keys are reported and dropped).</summary>
public sealed record MappingEntry(ScalarValue Key, ScheduleValue Value);

/// <summary>A YAML mapping, in file order (order matters: quantizer overrides are first-match-wins).</summary>
public sealed record MappingValue(EquatableArray<MappingEntry> Entries, SourceSpan Span) : ScheduleValue(Span)
{
    public override string Shape => "mapping";

    public MappingEntry? Find(string key) => Entries.FirstOrDefault(e => e.Key.Text == key);

    public ScheduleValue? this[string key] => Find(key)?.Value;
}
