namespace Distiller.Typed.Quantization;

/// <summary>Bit-widths of a module's activations, weights and bias; <c>null</c> means "do not quantize" (Distiller's <c>QBits</c>).</summary>
public sealed record QBits(int? Activations, int? Weights, int? Bias)
{
    public static readonly QBits None = new(null, null, null);
}
