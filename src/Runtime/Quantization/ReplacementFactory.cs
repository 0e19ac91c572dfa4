using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization;

/// <summary>What a replacement function gets: the module, its full name, every module's bits, and the override arguments.</summary>
public sealed record ReplacementRequest(
    nn.Module Module,
    string Name,
    IReadOnlyDictionary<string, QBits> QBitsMap,
    IReadOnlyDictionary<string, object?> Arguments)
{
    public QBits QBits => QBitsMap[Name];

    /// <summary>The override argument <paramref name="key"/>, or <paramref name="fallback"/> when the override does not set it.</summary>
    public object? Argument(string key, object? fallback) => Arguments.TryGetValue(key, out var v) ? v : fallback;
}

/// <summary>
/// Builds the quantized counterpart of one module type (an entry of Distiller's <c>replacement_factory</c>).
/// <see cref="AcceptedArguments"/> are the override keys it understands beyond the bit-widths; any other key in an
/// override that reaches it is an error naming the module. Returning the module itself means "leave it".
/// </summary>
public sealed class ReplacementFactory
{
    public ReplacementFactory(IEnumerable<string> acceptedArguments, Func<ReplacementRequest, nn.Module> create)
    {
        AcceptedArguments = new HashSet<string>(acceptedArguments, StringComparer.Ordinal);
        Create = create;
    }

    public ReplacementFactory(Func<ReplacementRequest, nn.Module> create) : this(Array.Empty<string>(), create) { }

    public IReadOnlySet<string> AcceptedArguments { get; }
    public Func<ReplacementRequest, nn.Module> Create { get; }
}
