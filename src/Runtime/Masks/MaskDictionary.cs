using System.Collections;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Masks;

/// <summary>
/// Every parameter's <see cref="ParameterMasker"/>, keyed by the name <c>named_parameters()</c> gives it:
/// Distiller's <c>zeros_mask_dict</c>.
/// </summary>
public sealed class MaskDictionary : IReadOnlyDictionary<string, ParameterMasker>, IDisposable
{
    private readonly Dictionary<string, ParameterMasker> _maskers = new(StringComparer.Ordinal);

    public MaskDictionary()
    {
    }

    /// <summary>One (empty) masker per name, e.g. to call a pruner on tensors outside a model.</summary>
    public MaskDictionary(IEnumerable<string> parameterNames)
    {
        ArgumentNullException.ThrowIfNull(parameterNames);
        foreach (var name in parameterNames)
        {
            if (string.IsNullOrWhiteSpace(name))
                throw new ArgumentException("Parameter names must not be empty.", nameof(parameterNames));
            if (!_maskers.TryAdd(name, new ParameterMasker(name)))
                throw new ArgumentException($"Parameter '{name}' is named twice.", nameof(parameterNames));
        }
    }

    /// <summary>One (empty) masker per parameter of <paramref name="model"/>.</summary>
    public static MaskDictionary For(nn.Module model)
    {
        var masks = new MaskDictionary();
        foreach (var (name, _) in model.named_parameters())
            masks._maskers[name] = new ParameterMasker(name);
        return masks;
    }

    public ParameterMasker this[string key] =>
        _maskers.TryGetValue(key, out var masker)
            ? masker
            : throw new KeyNotFoundException($"The model has no parameter named '{key}'.");

    public IEnumerable<string> Keys => _maskers.Keys;
    public IEnumerable<ParameterMasker> Values => _maskers.Values;
    public int Count => _maskers.Count;
    public bool ContainsKey(string key) => _maskers.ContainsKey(key);
    public bool TryGetValue(string key, out ParameterMasker value) => _maskers.TryGetValue(key, out value!);
    public IEnumerator<KeyValuePair<string, ParameterMasker>> GetEnumerator() => _maskers.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        foreach (var masker in _maskers.Values)
            masker.Dispose();
        _maskers.Clear();
    }
}
