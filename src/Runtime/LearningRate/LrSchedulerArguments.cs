using System.Collections;
using System.Globalization;

namespace Distiller.Typed.LearningRate;

/// <summary>
/// A schedule's keyword arguments for one LR scheduler, checked against its <see cref="LrSchedulerDescription"/>:
/// unknown names and missing required ones are rejected up front, and each value is converted on read with an error
/// that names the scheduler, the argument and what would be valid.
/// </summary>
/// <remarks>
/// Values may arrive as the YAML loader produced them: numbers (<c>int</c>, <c>long</c>, <c>double</c>, ...), <c>bool</c>,
/// strings (also numeric or boolean text such as <c>"0.1"</c>, <c>"true"</c>), or lists of those.
/// </remarks>
public sealed class LrSchedulerArguments
{
    private readonly IReadOnlyDictionary<string, object?> _values;

    public LrSchedulerArguments(LrSchedulerDescription description, IReadOnlyDictionary<string, object?> values)
    {
        Description = description ?? throw new ArgumentNullException(nameof(description));
        _values = values ?? throw new ArgumentNullException(nameof(values));

        var unknown = values.Keys.Where(k => description.FindParameter(k) is null).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException(
                $"{Describe()} does not accept the argument{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => $"'{u}'"))}. " +
                $"Valid arguments: {description.ParameterList}.", nameof(values));

        var missing = description.Parameters.Where(p => p.Required && (!values.TryGetValue(p.Name, out var v) || v is null)).ToList();
        if (missing.Count > 0)
            throw new ArgumentException(
                $"{Describe()} requires the argument{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m.Name}'"))}. " +
                $"Valid arguments: {description.ParameterList}.", nameof(values));
    }

    public LrSchedulerDescription Description { get; }

    public bool Has(string name) => _values.TryGetValue(name, out var v) && v is not null;

    public int Int(string name, int defaultValue) => Has(name) ? ToInt(name, _values[name]!) : defaultValue;

    public double Float(string name, double defaultValue) => Has(name) ? ToDouble(name, _values[name]!) : defaultValue;

    public bool Bool(string name, bool defaultValue)
    {
        if (!Has(name))
            return defaultValue;
        return _values[name] switch
        {
            bool b => b,
            string s when bool.TryParse(s, out var b) => b,
            var other => throw Invalid(name, other, "true or false"),
        };
    }

    public string String(string name, string defaultValue)
    {
        if (!Has(name))
            return defaultValue;
        var allowed = Description.FindParameter(name)!.AllowedValues;
        if (_values[name] is string s && (allowed is null || allowed.Contains(s)))
            return s;
        throw Invalid(name, _values[name], allowed is null ? "a string" : "one of " + string.Join(", ", allowed.Select(a => $"'{a}'")));
    }

    public IReadOnlyList<int> IntList(string name) =>
        Elements(name, "a list of integers").Select(e => ToInt(name, e)).ToArray();

    public IReadOnlyList<double> FloatList(string name) =>
        Elements(name, "a list of numbers").Select(e => ToDouble(name, e)).ToArray();

    /// <summary>A number repeated for every parameter group, or a list with exactly one number per group.</summary>
    public IReadOnlyList<double> FloatPerGroup(string name, double defaultValue, int groupCount)
    {
        if (!Has(name))
            return Enumerable.Repeat(defaultValue, groupCount).ToArray();
        if (_values[name] is IEnumerable and not string)
        {
            var list = FloatList(name);
            if (list.Count != groupCount)
                throw new ArgumentException(
                    $"{Describe()}: argument '{name}' has {list.Count} values but the optimizer has {groupCount} parameter group(s); give one number or one per group.");
            return list;
        }
        return Enumerable.Repeat(Float(name, defaultValue), groupCount).ToArray();
    }

    public bool IsList(string name) => Has(name) && _values[name] is IEnumerable and not string;

    private IEnumerable<object> Elements(string name, string expected)
    {
        if (_values.TryGetValue(name, out var value) && value is IEnumerable items and not string)
            return items.Cast<object?>().Select(e => e ?? throw Invalid(name, value, expected)).ToArray();
        throw Invalid(name, value, expected);
    }

    private int ToInt(string name, object value)
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
            throw Invalid(name, value, "an integer");
        return (int)d;
    }

    private double ToDouble(string name, object value) => value switch
    {
        int i => i,
        long l => l,
        short s => s,
        byte b => b,
        double x => x,
        float f => f,
        decimal m => (double)m,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) => p,
        _ => throw Invalid(name, value, "a number"),
    };

    private ArgumentException Invalid(string name, object? value, string expected) =>
        new($"{Describe()}: argument '{name}' must be {expected}, but got {Show(value)}.");

    private string Describe() => $"LR scheduler {Description.ClassName} ({Description.QualifiedName})";

    private static string Show(object? value) => value switch
    {
        null => "nothing",
        string s => $"'{s}'",
        IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Show)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? value.GetType().Name,
    };
}
