namespace Distiller.Typed.Pruning;

/// <summary>
/// A per-parameter value map as Distiller's pruner arguments give it (<c>thresholds</c>, <c>levels</c>,
/// <c>sensitivities</c>): keys are parameter names, and the special key <c>'*'</c> is the default for every
/// parameter not named.
/// </summary>
internal static class ParameterValues
{
    public const string Default = "*";

    public static IReadOnlyDictionary<string, double> Copy(IReadOnlyDictionary<string, double>? values, string argumentName,
        bool requireDefault, Func<double, bool> isValid, string validRange)
    {
        if (values is null)
            throw new ArgumentNullException(argumentName, $"{argumentName} is required (a map from parameter name, or '*', to a value).");
        if (values.Count == 0)
            throw new ArgumentException($"{argumentName} must name at least one parameter (or '*').", argumentName);
        if (requireDefault && !values.ContainsKey(Default))
            throw new ArgumentException($"{argumentName} must include the default key '*'.", argumentName);
        var bad = values.Where(kv => string.IsNullOrWhiteSpace(kv.Key) || !isValid(kv.Value)).ToArray();
        if (bad.Length > 0)
            throw new ArgumentOutOfRangeException(argumentName,
                $"{argumentName} values must be {validRange} under non-empty names; invalid: " +
                string.Join(", ", bad.Select(kv => $"'{kv.Key}': {kv.Value}")) + ".");
        return new Dictionary<string, double>(values, StringComparer.Ordinal);
    }

    /// <summary>The value for <paramref name="parameterName"/>, else the '*' default, else null.</summary>
    public static double? Lookup(IReadOnlyDictionary<string, double> values, string parameterName) =>
        values.TryGetValue(parameterName, out var value) ? value
        : values.TryGetValue(Default, out var fallback) ? fallback
        : null;

    public static IReadOnlyCollection<string> Names(IEnumerable<string> weights, string argumentName)
    {
        if (weights is null)
            throw new ArgumentNullException(argumentName, $"{argumentName} is required (the parameter names to prune).");
        var list = weights.ToArray();
        if (list.Length == 0)
            throw new ArgumentException($"{argumentName} must name at least one parameter.", argumentName);
        if (list.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException($"{argumentName} contains an empty parameter name.", argumentName);
        return new HashSet<string>(list, StringComparer.Ordinal);
    }

    public static string Name(string name) =>
        string.IsNullOrWhiteSpace(name) ? throw new ArgumentException("A pruner needs a non-empty name.", nameof(name)) : name;
}
