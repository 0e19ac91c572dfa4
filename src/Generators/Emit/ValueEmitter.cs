using System.Globalization;
using System.Linq;
using Distiller.Typed.Catalogue;
using Distiller.Typed.Generators.Helpers;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Generators.Emit;

/// <summary>
/// The C# type, initial value and run-time conversion of one YAML value, so options are typed: a number is a
/// <c>double</c>, a list of numbers a <c>List&lt;double&gt;</c>, a map of numbers (<c>sensitivities</c>) a
/// <c>Dictionary&lt;string, double&gt;</c>; anything nested (<c>overrides</c>, <c>reg_regims</c> with group types)
/// an <c>ArgumentMap</c>.
/// </summary>
internal static class ValueEmitter
{
    private const string List = "global::System.Collections.Generic.List";
    private const string Dictionary = "global::System.Collections.Generic.Dictionary";
    private const string ArgumentMap = "global::Distiller.Typed.Scheduling.ArgumentMap";

    /// <summary>
    /// (property type, initializer, expression turning <paramref name="access"/> into an ArgumentMap value), typed
    /// as the catalogue declares the argument (so <c>initial_sparsity: 0</c> is still a <c>double</c>, and
    /// <c>bits_weights: null</c> an <c>int?</c>), or as the YAML value reads when the catalogue does not say.
    /// </summary>
    public static (string Type, string Initializer, string ToArgument) Describe(OptionModel option, string access)
    {
        var value = option.Value;
        switch (option.Type, value)
        {
            case (ParameterType.Float, ScalarValue s) when s.TryGetDouble(out var d):
                return (option.Nullable ? "double?" : "double", Double(d), access);
            case (ParameterType.Float, ScalarValue { IsNull: true }):
                return ("double?", "null", access);
            case (ParameterType.Int, ScalarValue s) when s.TryGetInt32(out var i):
                return (option.Nullable ? "int?" : "int", i.ToString(CultureInfo.InvariantCulture), access);
            case (ParameterType.Int, ScalarValue { IsNull: true }):
                return ("int?", "null", access);
            case (ParameterType.FloatList or ParameterType.FloatOrFloatList, SequenceValue list) when list.Items.All(x => x is ScalarValue s && s.TryGetDouble(out _)):
                return ($"{List}<double>", $"new {List}<double> {{ {Identifiers.Join(list.Items.Cast<ScalarValue>().Select(x => Convert(x, "double")))} }}", $"ToList({access})");
            case (ParameterType.FloatMap, MappingValue map) when map.Entries.All(e => e.Value is ScalarValue s && s.TryGetDouble(out _)):
                var entries = map.Entries.Select(e => $"[{Identifiers.Literal(e.Key.Text)}] = {Convert((ScalarValue)e.Value, "double")}");
                return ($"{Dictionary}<string, double>", $"new {Dictionary}<string, double> {{ {Identifiers.Join(entries)} }}", $"ToMap({access})");
        }

        return Describe(value, access);
    }

    /// <summary>The same, typed from the YAML value alone.</summary>
    public static (string Type, string Initializer, string ToArgument) Describe(ScheduleValue value, string access)
    {
        switch (value)
        {
            case ScalarValue scalar:
                var (type, literal) = Scalar(scalar);
                return (type, literal, access);
            case SequenceValue list when list.Items.All(i => i is ScalarValue s && !s.IsNull):
                var elementType = CommonType(list.Items.Cast<ScalarValue>().ToArray());
                if (elementType is not null)
                {
                    var items = list.Items.Cast<ScalarValue>().Select(s => Convert(s, elementType));
                    return ($"{List}<{elementType}>", $"new {List}<{elementType}> {{ {Identifiers.Join(items)} }}", $"ToList({access})");
                }

                break;
            case MappingValue map when map.Entries.Count > 0 && map.Entries.All(e => e.Value is ScalarValue s && !s.IsNull):
                var valueType = CommonType(map.Entries.Select(e => (ScalarValue)e.Value).ToArray());
                if (valueType is not null)
                {
                    var entries = map.Entries.Select(e => $"[{Identifiers.Literal(e.Key.Text)}] = {Convert((ScalarValue)e.Value, valueType)}");
                    return ($"{Dictionary}<string, {valueType}>", $"new {Dictionary}<string, {valueType}> {{ {Identifiers.Join(entries)} }}", $"ToMap({access})");
                }

                break;
        }

        return value is MappingValue
            ? (ArgumentMap, Untyped(value), access)
            : ($"{List}<object?>", Untyped(value), access);
    }

    /// <summary>Code for a value as ArgumentMap holds it: null, bool, int, double, string, List&lt;object?&gt;, ArgumentMap.</summary>
    public static string Untyped(ScheduleValue value) => value switch
    {
        ScalarValue scalar => Scalar(scalar).Literal,
        SequenceValue list => $"new {List}<object?> {{ {Identifiers.Join(list.Items.Select(Untyped))} }}",
        MappingValue map => $"new {ArgumentMap}()" + string.Concat(map.Entries.Select(e => $".Add({Identifiers.Literal(e.Key.Text)}, {Untyped(e.Value)}, {Span(e.Key.Span)})")),
        _ => "null",
    };

    public static string Span(SourceSpan span) =>
        string.Format(CultureInfo.InvariantCulture, "new global::Distiller.Typed.Schedules.SourceSpan({0}, {1}, {2}, {3}, {4}, {5})", span.Start, span.Length, span.Line, span.Column, span.EndLine, span.EndColumn);

    private static (string Type, string Literal) Scalar(ScalarValue scalar)
    {
        if (scalar.IsNull)
        {
            return ("object?", "null");
        }

        if (scalar.TryGetBoolean(out var b))
        {
            return ("bool", b ? "true" : "false");
        }

        if (scalar.TryGetInt32(out var i))
        {
            return ("int", i.ToString(CultureInfo.InvariantCulture));
        }

        if (scalar.TryGetDouble(out var d))
        {
            return ("double", Double(d));
        }

        return ("string", Identifiers.Literal(scalar.Text));
    }

    private static string Double(double d)
    {
        if (double.IsPositiveInfinity(d))
        {
            return "double.PositiveInfinity";
        }

        if (double.IsNegativeInfinity(d))
        {
            return "double.NegativeInfinity";
        }

        if (double.IsNaN(d))
        {
            return "double.NaN";
        }

        var text = d.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOfAny(['.', 'E', 'e']) >= 0 ? text : text + ".0";
    }

    /// <summary>int when all are integers, double when all are numbers, bool or string when all are; else null.</summary>
    private static string? CommonType(ScalarValue[] scalars)
    {
        var types = scalars.Select(s => Scalar(s).Type).Distinct().ToList();
        if (types.Count == 1)
        {
            return types[0];
        }

        return types.All(t => t is "int" or "double") ? "double" : null;
    }

    private static string Convert(ScalarValue scalar, string type)
    {
        if (type == "double" && scalar.TryGetDouble(out var d))
        {
            return Double(d);
        }

        return Scalar(scalar).Literal;
    }
}
