using System.Collections;
using System.Globalization;
using Distiller.Typed.Catalogue;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Scheduling.Factories;

/// <summary>
/// One component's arguments (or one policy's <c>args</c>) checked against the catalogue's parameters and read with
/// the catalogue's types and defaults, as Distiller's <c>build_component</c> passes YAML keys to a constructor. The
/// schedule validator has already checked every name, type and range (one validator for compile and run time), so
/// the getters only convert.
/// </summary>
public sealed class ComponentArguments
{
    private readonly ArgumentMap _map;
    private readonly IReadOnlyList<ParameterDescriptor> _parameters;

    private ComponentArguments(ArgumentMap map, IReadOnlyList<ParameterDescriptor> parameters, string owner)
    {
        _map = map;
        _parameters = parameters;
        Owner = owner;
    }

    /// <summary>How messages name the component, e.g. <c>SensitivityPruner 'my_pruner'</c>.</summary>
    public string Owner { get; }

    /// <summary>Reads <paramref name="map"/> with <paramref name="parameters"/>' types and defaults. The map has passed
    /// the schedule validator (src/Sdk, see <see cref="ScheduleSpecValidation"/>), so every value fits its parameter.</summary>
    public static ComponentArguments Read(ArgumentMap map, IReadOnlyList<ParameterDescriptor> parameters, string owner)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(parameters);
        return new ComponentArguments(map, parameters, owner);
    }

    /// <summary>Whether the schedule gave <paramref name="name"/> (a catalogue default does not count).</summary>
    public bool Has(string name) => _map.TryGetValue(name, out var value) && value is not null;

    /// <summary>The value given, else the catalogue's default (YAML text read as a plain scalar), else null.</summary>
    public object? Value(string name)
    {
        if (_map.TryGetValue(name, out var value))
            return value;
        var parameter = _parameters.FirstOrDefault(p => p.Name == name)
            ?? throw new InvalidOperationException($"{Owner}: the catalogue has no argument '{name}'.");
        return parameter.Default is { } text ? ParseDefault(text) : null;
    }

    public double Float(string name) => Number(Value(name), name);

    public int Int(string name) => Value(name) switch
    {
        int i => i,
        long l => checked((int)l),
        var other => throw Unread(name, other),
    };

    public bool Bool(string name) => Value(name) is bool b ? b : throw Unread(name, Value(name));

    /// <summary>A string argument; a YAML scalar that reads as a number or boolean (<c>arch: 20</c>) is a string here, as the validator accepts it.</summary>
    public string? String(string name) => Value(name) switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable number => number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        var other => throw Unread(name, other),
    };

    public IReadOnlyList<string> StringList(string name) => List(name).Select(v => v as string ?? throw Unread(name, v)).ToArray();

    public IReadOnlyList<double> FloatList(string name) => List(name).Select(v => Number(v, name)).ToArray();

    public IReadOnlyList<int> IntList(string name) => List(name).Select(v => v is int i ? i : throw Unread(name, v)).ToArray();

    /// <summary>A name → number mapping (<c>sensitivities</c>, <c>thresholds</c>, <c>reg_regims</c>, <c>levels</c>); null when absent.</summary>
    public IReadOnlyDictionary<string, double>? FloatMap(string name) => Value(name) switch
    {
        null => null,
        ArgumentMap map => map.ToDictionary(e => e.Key, e => Number(e.Value, name), StringComparer.Ordinal),
        var other => throw Unread(name, other),
    };

    /// <summary>A name → <c>[number, group_type]</c> mapping; null when absent.</summary>
    public IReadOnlyDictionary<string, (double Value, string GroupType)>? GroupMap(string name) => Value(name) switch
    {
        null => null,
        ArgumentMap map => map.ToDictionary(
            e => e.Key,
            e => e.Value is IList { Count: 2 } pair && pair[1] is string group ? (Number(pair[0], name), group) : throw Unread(name, e.Value),
            StringComparer.Ordinal),
        var other => throw Unread(name, other),
    };

    /// <summary>A nested mapping (e.g. <c>kwargs</c>); null when absent.</summary>
    public ArgumentMap? Map(string name) => Value(name) switch
    {
        null => null,
        ArgumentMap map => map,
        var other => throw Unread(name, other),
    };

    /// <summary>Every argument the schedule gave, as plain values (lists as lists, mappings as <see cref="ArgumentMap"/>).</summary>
    public IReadOnlyDictionary<string, object?> Given() => _map.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    private IEnumerable<object?> List(string name) => (Value(name) as IList ?? throw Unread(name, Value(name))).Cast<object?>();

    private double Number(object? value, string name) => value switch
    {
        int i => i,
        long l => l,
        double d => d,
        float f => f,
        _ => throw Unread(name, value),
    };

    private InvalidOperationException Unread(string name, object? value) =>
        new($"{Owner}: argument '{name}' holds {ArgumentMap.Format(value)}, which the schedule validator should have rejected.");

    private static object? ParseDefault(string text)
    {
        if (text is "null" or "~" or "")
            return null;
        if (text is "true" or "True")
            return true;
        if (text is "false" or "False")
            return false;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i))
            return i;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            return d;
        return text.Trim('\'', '"');
    }
}
