using System.Collections;
using System.Globalization;
using Distiller.Typed.Catalogue;
using Distiller.Typed.Schedules;
using Distiller.Typed.Text;

namespace Distiller.Typed.Scheduling.Factories;

/// <summary>
/// One component's arguments (or one policy's <c>args</c>) checked against the catalogue's parameters and read with
/// the catalogue's types and defaults, as Distiller's <c>build_component</c> passes YAML keys to a constructor.
/// <see cref="Check"/> records every unknown, missing or mistyped argument as a <see cref="ScheduleProblem"/> at the
/// argument's position; the typed getters are then only called on arguments that passed.
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

    /// <summary>
    /// Checks <paramref name="map"/> against <paramref name="parameters"/>, adding one problem per unknown, missing or
    /// mistyped argument to <paramref name="problems"/> (at the argument's key, else at <paramref name="fallback"/>).
    /// </summary>
    public static ComponentArguments Check(ArgumentMap map, IReadOnlyList<ParameterDescriptor> parameters, string owner,
        string? path, SourceSpan? fallback, List<ScheduleProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(problems);
        foreach (var (key, value) in map)
        {
            var at = map.SpanOf(key) ?? fallback;
            var parameter = parameters.FirstOrDefault(p => p.Name == key);
            if (parameter is null)
            {
                var suggestion = NearestNames.DidYouMean(key, parameters.Select(p => p.Name));
                problems.Add(new ScheduleProblem(
                    $"{owner} has no argument '{key}'{(suggestion.Length == 0 ? "." : suggestion)} " +
                    $"Valid arguments: {ValidList(parameters)}.", map.Path ?? path, at));
                continue;
            }
            if (Mismatch(parameter, value) is { } why)
                problems.Add(new ScheduleProblem(
                    $"argument '{key}' of {owner} must be {Form(parameter)}{(Accepts(parameter, null) ? " or null" : "")}; {why}.",
                    map.Path ?? path, at));
        }
        foreach (var parameter in parameters.Where(p => p.Required && !map.ContainsKey(p.Name)))
            problems.Add(new ScheduleProblem(
                $"{owner} requires the argument '{parameter.Name}' ({Form(parameter)}): {parameter.Summary}", map.Path ?? path, fallback));
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

    public string? String(string name) => Value(name) switch
    {
        null => null,
        string s => s,
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
        new($"{Owner}: argument '{name}' holds {ArgumentMap.Format(value)}, which Check should have rejected.");

    /// <summary>The catalogue's description of the expected value, with an article where it reads as a noun: "a number", "true or false".</summary>
    private static string Form(ParameterDescriptor parameter)
    {
        var description = parameter.TypeDescription;
        return description.StartsWith("true", StringComparison.Ordinal) || description.StartsWith("one of", StringComparison.Ordinal) || description == "any value"
            ? description
            : "a " + description;
    }

    private static string ValidList(IEnumerable<ParameterDescriptor> parameters)
    {
        var names = parameters.Select(p => p.Name).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    /// <summary>Null when <paramref name="value"/> fits <paramref name="parameter"/>; else why not ("got 'x'").</summary>
    internal static string? Mismatch(ParameterDescriptor parameter, object? value)
    {
        if (Accepts(parameter, value))
            return null;
        return value switch
        {
            ArgumentMap map when parameter.Type == ParameterType.FloatGroupMap => GroupMapMismatch(parameter, map),
            ArgumentMap map when parameter.Type == ParameterType.Map => MapMismatch(parameter, map),
            string s when parameter.IsEnumeration => $"got '{s}'{NearestNames.DidYouMean(s, parameter.AllowedValues)}",
            _ => "got " + ArgumentMap.Format(value),
        };
    }

    private static bool Accepts(ParameterDescriptor parameter, object? value)
    {
        if (value is null)
            return parameter.Nullable || parameter.Default == "null" || parameter.Type == ParameterType.Any;
        return parameter.Type switch
        {
            ParameterType.Float => IsNumber(value),
            ParameterType.Int => value is int or long,
            ParameterType.Bool => value is bool,
            ParameterType.String => value is string s && (!parameter.IsEnumeration || parameter.AllowedValues.Contains(s)),
            ParameterType.FloatList => value is IList l && l.Cast<object?>().All(IsNumber),
            ParameterType.IntList => value is IList l && l.Cast<object?>().All(v => v is int or long),
            ParameterType.StringList => value is IList l && l.Cast<object?>().All(v => v is string),
            ParameterType.FloatOrFloatList => IsNumber(value) || value is IList l && l.Cast<object?>().All(IsNumber),
            ParameterType.FloatMap => value is ArgumentMap m && m.All(e => IsNumber(e.Value)),
            ParameterType.FloatGroupMap => value is ArgumentMap m && GroupMapMismatch(parameter, m) is null,
            ParameterType.OverrideMap => value is ArgumentMap m && m.All(e => e.Value is ArgumentMap),
            ParameterType.QuantMode => value is string s ? parameter.AllowedValues.Contains(s)
                : value is ArgumentMap m && m.All(e => e.Key is "activations" or "weights" && e.Value is string v && parameter.AllowedValues.Contains(v)),
            ParameterType.Map => value is ArgumentMap m && MapMismatch(parameter, m) is null,
            _ => true,
        };
    }

    private static bool IsNumber(object? value) => value is int or long or double or float;

    private static string? GroupMapMismatch(ParameterDescriptor parameter, ArgumentMap map)
    {
        foreach (var (key, value) in map)
        {
            if (value is not IList { Count: 2 } pair || !IsNumber(pair[0]) || pair[1] is not string group)
                return $"'{key}' has {ArgumentMap.Format(value)}, not a [number, group_type] pair";
            if (!parameter.AllowedValues.IsEmpty && !parameter.AllowedValues.Contains(group))
                return $"'{key}' has the group type '{group}'{NearestNames.DidYouMean(group, parameter.AllowedValues)} " +
                       $"(valid group types: {string.Join(", ", parameter.AllowedValues.Select(a => "'" + a + "'"))})";
        }
        return null;
    }

    private static string? MapMismatch(ParameterDescriptor parameter, ArgumentMap map)
    {
        if (parameter.EntryParameters.IsEmpty)
            return null;
        foreach (var (key, value) in map)
        {
            var entry = parameter.EntryParameter(key);
            if (entry is null)
                return $"it has the key '{key}'; valid keys: {string.Join(", ", parameter.EntryParameters.Select(e => e.Name))}";
            if (Mismatch(entry, value) is { } why)
                return $"'{key}' must be {Form(entry)}; {why}";
        }
        return null;
    }

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
