using System.Collections;
using System.Globalization;
using Distiller.Typed.Catalogue;
using Distiller.Typed.Text;

namespace Distiller.Typed.LearningRate;

/// <summary>
/// A schedule's keyword arguments for one LR scheduler, checked against the catalogue's
/// <see cref="ParameterDescriptor"/>s of its <see cref="LrSchedulerClass"/>: unknown names, missing required ones, values
/// of the wrong type, outside the argument's <see cref="ParameterDescriptor.Range"/> or not among its
/// <see cref="ParameterDescriptor.AllowedValues"/> are all rejected up front, with an error naming the scheduler, the
/// argument and what would be valid. The getters then return the value given, else the catalogue's default.
/// </summary>
/// <remarks>
/// Values may arrive as the YAML loader produced them: numbers (<c>int</c>, <c>long</c>, <c>double</c>, ...), <c>bool</c>,
/// strings (also numeric or boolean text such as <c>"0.1"</c>, <c>"true"</c>), or lists of those. A null value counts as
/// not given.
/// </remarks>
public sealed class LrSchedulerArguments
{
    private readonly IReadOnlyDictionary<string, object?> _values;

    public LrSchedulerArguments(LrSchedulerClass scheduler, IReadOnlyDictionary<string, object?> values)
    {
        Scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _values = values ?? throw new ArgumentNullException(nameof(values));
        var valid = string.Join(", ", scheduler.ArgumentNames);

        var unknown = values.Keys.Where(k => !scheduler.ArgumentNames.Contains(k, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            var hint = unknown.Count == 1 ? NearestNames.DidYouMean(unknown[0], scheduler.ArgumentNames) : "";
            throw new ArgumentException(
                $"{scheduler} does not accept the argument{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => $"'{u}'"))}{hint}. " +
                $"Valid arguments: {valid}.", nameof(values));
        }

        var missing = scheduler.Parameters.Where(p => p.Required && !Has(p.Name)).ToList();
        if (missing.Count > 0)
            throw new ArgumentException(
                $"{scheduler} requires the argument{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m.Name}' ({m.Summary})"))}. " +
                $"Valid arguments: {valid}.", nameof(values));

        foreach (var parameter in scheduler.Parameters.Where(p => Has(p.Name)))
            Validate(parameter, _values[parameter.Name]!);
        LastEpoch = Has(LrSchedulerClass.LastEpochArgument) ? ToInt(LrSchedulerClass.LastEpochArgument, _values[LrSchedulerClass.LastEpochArgument]!, "an integer >= -1") : -1;
        if (LastEpoch < -1)
            throw Invalid(LrSchedulerClass.LastEpochArgument, LastEpoch, "-1 (fresh start) or a completed epoch index >= 0");
    }

    public LrSchedulerClass Scheduler { get; }

    /// <summary>The <c>last_epoch</c> given (by the schedule or as Distiller's resumed epoch), else −1.</summary>
    public int LastEpoch { get; }

    /// <summary>Whether the schedule gave a (non-null) value; a catalogue default does not count.</summary>
    public bool Has(string name) => _values.TryGetValue(name, out var v) && v is not null;

    public int Int(string name) => ToInt(name, Value(name) ?? throw NoValue(name), "an integer");

    /// <summary>For arguments whose default is null (CyclicLR's step_size_down, OneCycleLR's total_steps …).</summary>
    public int? NullableInt(string name) => Value(name) is { } value ? ToInt(name, value, "an integer") : null;

    public double Float(string name) => ToDouble(name, Value(name) ?? throw NoValue(name), "a number");

    public bool Bool(string name) => ToBool(name, Value(name) ?? throw NoValue(name));

    public string String(string name) => Value(name) as string ?? throw NoValue(name);

    public IReadOnlyList<int> IntList(string name) =>
        Elements(name, Value(name) ?? throw NoValue(name), "a list of integers").Select(e => ToInt(name, e, "a list of integers")).ToArray();

    public IReadOnlyList<double> FloatList(string name) =>
        Elements(name, Value(name) ?? throw NoValue(name), "a list of numbers").Select(e => ToDouble(name, e, "a list of numbers")).ToArray();

    /// <summary>A number repeated for every parameter group, or a list with exactly one number per group.</summary>
    public IReadOnlyList<double> FloatPerGroup(string name, int groupCount)
    {
        var value = Value(name) ?? throw NoValue(name);
        if (value is not IEnumerable || value is string)
            return Enumerable.Repeat(ToDouble(name, value, "a number"), groupCount).ToArray();
        var list = FloatList(name);
        if (list.Count != groupCount)
            throw new ArgumentException(
                $"{Scheduler}: argument '{name}' has {list.Count} values but the optimizer has {groupCount} parameter group(s); give one number or one per group.");
        return list;
    }

    /// <summary>The value given, else the catalogue's default (YAML text) read as the argument's type; null for a null default.</summary>
    private object? Value(string name)
    {
        var parameter = Scheduler.Parameter(name)
            ?? throw new InvalidOperationException($"{Scheduler}: the catalogue has no argument '{name}' (the factory and the catalogue disagree).");
        if (Has(name))
            return _values[name];
        return parameter.Default is null or "null" or "~" ? null : parameter.Default.Trim('\'', '"');
    }

    private void Validate(ParameterDescriptor parameter, object value)
    {
        var name = parameter.Name;
        var expected = Expected(parameter);
        var numbers = new List<double>();
        switch (parameter.Type)
        {
            case ParameterType.Int:
                numbers.Add(ToInt(name, value, expected));
                break;
            case ParameterType.Float:
                numbers.Add(ToDouble(name, value, expected));
                break;
            case ParameterType.IntList:
                numbers.AddRange(Elements(name, value, expected).Select(e => (double)ToInt(name, e, expected)));
                break;
            case ParameterType.FloatList:
                numbers.AddRange(Elements(name, value, expected).Select(e => ToDouble(name, e, expected)));
                break;
            case ParameterType.FloatOrFloatList when value is IEnumerable and not string:
                numbers.AddRange(Elements(name, value, expected).Select(e => ToDouble(name, e, expected)));
                break;
            case ParameterType.FloatOrFloatList:
                numbers.Add(ToDouble(name, value, expected));
                break;
            case ParameterType.Bool:
                ToBool(name, value);
                break;
            case ParameterType.String:
                if (value is not string text || (parameter.IsEnumeration && !parameter.AllowedValues.Contains(text)))
                    throw Invalid(name, value, expected);
                break;
            default:
                throw new InvalidOperationException($"{Scheduler}: the catalogue gives '{name}' the type {parameter.Type}, which no LR scheduler takes.");
        }
        if (parameter.Range is { } range && numbers.Any(n => !range.Contains(n)))
            throw Invalid(name, value, expected);
    }

    /// <summary>"an integer &gt; 0", "a number in (0, 1)", "one of 'min', 'max'", "a list of integers, each &gt;= 0".</summary>
    private static string Expected(ParameterDescriptor parameter)
    {
        var range = parameter.Range is { } r ? r.ToString() : null;
        return parameter.Type switch
        {
            ParameterType.Int => "an integer" + (range is null ? "" : " " + range),
            ParameterType.Float => "a number" + (range is null ? "" : " " + range),
            ParameterType.Bool => "true or false",
            ParameterType.String => parameter.IsEnumeration ? "one of " + string.Join(", ", parameter.AllowedValues.Select(a => $"'{a}'")) : "a string",
            ParameterType.IntList => "a list of integers" + (range is null ? "" : ", each " + range),
            ParameterType.FloatList => "a list of numbers" + (range is null ? "" : ", each " + range),
            ParameterType.FloatOrFloatList => "a number or a list of numbers (one per parameter group)" + (range is null ? "" : ", each " + range),
            _ => parameter.TypeDescription,
        };
    }

    private IEnumerable<object> Elements(string name, object value, string expected)
    {
        if (value is IEnumerable items and not string)
            return items.Cast<object?>().Select(e => e ?? throw Invalid(name, value, expected)).ToArray();
        throw Invalid(name, value, expected);
    }

    private int ToInt(string name, object value, string expected)
    {
        var d = value switch
        {
            int i => i,
            long l => l,
            short s => s,
            byte b => b,
            double x => x,
            float f => f,
            decimal m => (double)m,
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) => p,
            _ => double.NaN,
        };
        if (double.IsNaN(d) || d != Math.Floor(d) || d < int.MinValue || d > int.MaxValue)
            throw Invalid(name, value, expected);
        return (int)d;
    }

    private double ToDouble(string name, object value, string expected) => value switch
    {
        int i => i,
        long l => l,
        short s => s,
        byte b => b,
        double x => x,
        float f => f,
        decimal m => (double)m,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) => p,
        _ => throw Invalid(name, value, expected),
    };

    private bool ToBool(string name, object value) => value switch
    {
        bool b => b,
        string s when bool.TryParse(s, out var b) => b,
        var other => throw Invalid(name, other, "true or false"),
    };

    private ArgumentException Invalid(string name, object? value, string expected) =>
        new($"{Scheduler}: argument '{name}' must be {expected}, but got {Show(value)}.");

    private InvalidOperationException NoValue(string name) =>
        new($"{Scheduler}: argument '{name}' was not given and the catalogue has no default for it.");

    private static string Show(object? value) => value switch
    {
        null => "nothing",
        string s => $"'{s}'",
        IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Show)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? value.GetType().Name,
    };
}
