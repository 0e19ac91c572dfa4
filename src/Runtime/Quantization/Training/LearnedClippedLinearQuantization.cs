using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Training;

/// <summary>
/// PACT's activation (Choi et al., "PACT: Parameterized Clipping Activation for Quantized Neural Networks",
/// https://arxiv.org/abs/1805.06085): <c>y = q(clamp(x, 0, α))</c> with a learned clipping value α
/// (parameter <c>clip_val</c>). The clip is written as <c>where(x &lt; α, x, α)</c> so that ∂y/∂α = 1 where x ≥ α;
/// the quantizer step is straight-through.
/// </summary>
public sealed class LearnedClippedLinearQuantization : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Distiller's parameter name
    private Parameter clip_val;
#pragma warning restore IDE1006

    public LearnedClippedLinearQuantization(int numBits, double initialClipValue, bool dequantize = true)
        : base(nameof(LearnedClippedLinearQuantization))
    {
        LinearQuantization.CheckBits(numBits);
        NumBits = numBits;
        Dequantize = dequantize;
        clip_val = new Parameter(torch.tensor(new[] { (float)initialClipValue }));
        RegisterComponents();
    }

    public int NumBits { get; }
    public bool Dequantize { get; }

    /// <summary>The learned clipping value α.</summary>
    public Parameter ClipValue => clip_val;

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = nn.functional.relu(input);
        var clip = clip_val.to(x.device);
        x = torch.where(x < clip, x, clip);
        Tensor s, z;
        using (torch.no_grad())
            (s, z) = LinearQuantization.AsymmetricParams(NumBits, torch.zeros_like(clip), clip.detach(), signed: false);
        return LinearQuantization.FakeQuantizeSte(x, s, z, Dequantize).MoveToOuterDisposeScope();
    }
}
