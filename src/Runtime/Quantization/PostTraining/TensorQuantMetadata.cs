using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.PostTraining;

/// <summary>How a de-quantized tensor was quantized: scale, zero point and integer range (Distiller's <c>TensorQuantMetadata</c>).</summary>
public sealed record TensorQuantMetadata(Tensor Scale, Tensor ZeroPoint, double MinQ, double MaxQ);

/// <summary>
/// Attaches <see cref="TensorQuantMetadata"/> to the output tensors of quantized wrappers so the next wrapper re-uses
/// the same quantization (Distiller sets a <c>quant_metadata</c> attribute on the tensor; a weak table does it here).
/// </summary>
public static class QuantMetadata
{
    private static readonly ConditionalWeakTable<Tensor, TensorQuantMetadata> Table = new();

    public static void Attach(Tensor t, TensorQuantMetadata metadata) => Table.AddOrUpdate(t, metadata);

    public static TensorQuantMetadata? Get(Tensor t) =>
        Table.TryGetValue(t, out var md) || Table.TryGetValue(PassThrough.Resolve(t), out md) ? md : null;
}

/// <summary>The quantization settings of one tensor kind of a wrapper (Distiller's <c>QuantSettings</c>).</summary>
public sealed record QuantSettings(int? NumBits, LinearQuantMode QuantMode, ClipMode ClipMode, double? ClipNStds, bool ClipHalfRange, bool PerChannel);
