using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Training;

/// <summary>
/// An activation clipped to [0, clip] and quantized to <c>num_bits</c> unsigned levels, with a straight-through
/// gradient inside the clipping range: <c>y = round(clamp(x, 0, c)·(2^b − 1)/c) · c/(2^b − 1)</c>
/// (Distiller's <c>ClippedLinearQuantization</c>; DoReFa and WRPN use c = 1).
/// </summary>
public sealed class ClippedLinearQuantization : nn.Module<Tensor, Tensor>
{
    public ClippedLinearQuantization(int numBits, double clipValue, bool dequantize = true) : base(nameof(ClippedLinearQuantization))
    {
        if (!(clipValue > 0))
            throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, "clip_val must be > 0.");
        NumBits = numBits;
        ClipValue = clipValue;
        Dequantize = dequantize;
        (Scale, ZeroPoint) = LinearQuantization.AsymmetricParams(numBits, 0, clipValue, signed: false);
    }

    public int NumBits { get; }
    public double ClipValue { get; }
    public bool Dequantize { get; }
    public double Scale { get; }
    public double ZeroPoint { get; }

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var clipped = input.clamp(0, ClipValue);
        return LinearQuantization.FakeQuantizeSte(clipped, Scale, ZeroPoint, Dequantize).MoveToOuterDisposeScope();
    }

    public override string ToString() => $"ClippedLinearQuantization(num_bits={NumBits}, clip_val={ClipValue})";
}
