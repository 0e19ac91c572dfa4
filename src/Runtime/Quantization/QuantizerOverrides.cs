using System.Collections;
using Distiller.Typed.Text;

namespace Distiller.Typed.Quantization;

/// <summary>
/// A quantizer's <c>overrides</c>: an ordered map from a regular expression over whole module names to settings
/// (<c>bits_activations</c>, <c>bits_weights</c>, <c>bits_bias</c>, plus arguments of the replacement module).
/// The first pattern that matches a module's whole name wins, so specific patterns go before broad ones; a key equal
/// to the module's exact name beats every pattern. A <c>null</c> bit-width means "leave this tensor in float".
/// </summary>
public sealed class QuantizerOverrides : IEnumerable<KeyValuePair<string, IReadOnlyDictionary<string, object?>>>
{
    private readonly List<KeyValuePair<string, IReadOnlyDictionary<string, object?>>> _entries = new();
    private readonly List<OverridePattern> _regexes = new();

    public int Count => _entries.Count;

    /// <summary>Adds an entry; later entries lose to earlier ones.</summary>
    public void Add(string pattern, IReadOnlyDictionary<string, object?> settings)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(settings);
        if (_entries.Any(e => e.Key == pattern))
            throw new ArgumentException($"Overrides already contain the pattern '{pattern}'.", nameof(pattern));
        foreach (var old in new[] { "acts", "wts", "bias" })
            if (settings.ContainsKey(old))
                throw new ArgumentException(
                    $"Override '{pattern}': '{old}' is deprecated; use 'bits_activations' / 'bits_weights' / 'bits_bias'.", nameof(settings));
        if (!OverridePattern.TryCreate(pattern, out var regex, out var error))
            throw new ArgumentException($"Override key '{pattern}' is not a valid regular expression: {error}", nameof(pattern));
        _entries.Add(new(pattern, settings));
        _regexes.Add(regex!);
    }

    public void Add(string pattern, Dictionary<string, object?> settings) => Add(pattern, (IReadOnlyDictionary<string, object?>)settings);

    /// <summary>Builds overrides from any ordered map (e.g. the YAML <c>overrides:</c> node); each value must be a map.</summary>
    public static QuantizerOverrides From(IEnumerable<KeyValuePair<string, object?>> map)
    {
        var o = new QuantizerOverrides();
        foreach (var (k, v) in map)
            o.Add(k, QuantizerArguments.AsMap(v) ?? (v is null ? new Dictionary<string, object?>()
                : throw new ArgumentException($"Override '{k}' must map to a dictionary of settings, got '{v}'.", nameof(map))));
        return o;
    }

    /// <summary>The settings that apply to <paramref name="moduleName"/> and the key they came from, or null.</summary>
    public (string Key, IReadOnlyDictionary<string, object?> Settings)? Resolve(string moduleName)
    {
        foreach (var (k, v) in _entries)
            if (k == moduleName)
                return (k, v);
        for (int i = 0; i < _entries.Count; i++)
            if (_regexes[i].IsMatch(moduleName))
                return (_entries[i].Key, _entries[i].Value);
        return null;
    }

    /// <summary>Whether <paramref name="key"/> matches <paramref name="moduleName"/> (exactly or as a whole-name pattern).</summary>
    public bool Matches(string key, string moduleName)
    {
        int i = _entries.FindIndex(e => e.Key == key);
        return i >= 0 && (key == moduleName || _regexes[i].IsMatch(moduleName));
    }

    public IEnumerator<KeyValuePair<string, IReadOnlyDictionary<string, object?>>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
