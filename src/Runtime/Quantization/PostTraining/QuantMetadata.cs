using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.PostTraining;

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
