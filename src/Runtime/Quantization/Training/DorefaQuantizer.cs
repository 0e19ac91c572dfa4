using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Training;

/// <summary>
/// DoReFa-Net quantization-aware training (Zhou et al., https://arxiv.org/abs/1606.06160). Weights, k bits:
/// <c>w_q = 2·q_k(tanh(w) / (2·max|tanh(w)|) + ½) − 1</c> with <c>q_k(x) = round((2^k − 1)·x)/(2^k − 1)</c>;
/// 1 bit: <c>w_q = sign(w)·mean|w|</c> (sign(0) = 1). Activations (ReLUs): clipped to [0, 1] and quantized to
/// k bits (<see cref="ClippedLinearQuantization"/>). Training keeps float weights; quantization is straight-through.
/// Gradient quantization is not part of Distiller's implementation either.
/// </summary>
public class DorefaQuantizer : Quantizer
{
    public DorefaQuantizer(nn.Module model, optim.Optimizer optimizer, int? bitsActivations = 32, int? bitsWeights = 32,
        int? bitsBias = null, QuantizerOverrides? overrides = null)
        : base(model, optimizer, bitsActivations, bitsWeights, bitsBias, overrides, trainWithFpCopy: true)
    {
        ParamQuantization = (w, meta) => QuantizeParam(w, meta.NumBits);
        ReplacementFactories[typeof(ReLU)] = new ReplacementFactory(r =>
            r.QBits.Activations is { } bits ? new ClippedLinearQuantization(bits, 1.0) : r.Module);
    }

    /// <summary>DoReFa's weight quantization (Distiller's <c>dorefa_quantize_param</c>).</summary>
    public static Tensor QuantizeParam(Tensor w, int numBits)
    {
        using var scope = torch.NewDisposeScope();
        Tensor result;
        if (numBits == 1)
        {
            Tensor binary;
            using (torch.no_grad())
            {
                var e = w.abs().mean();
                binary = torch.where(w.logical_not(), torch.ones_like(w), w.sign()) * e;
            }
            result = LinearQuantization.StraightThrough(w, binary);
        }
        else
        {
            var (scale, zp) = LinearQuantization.AsymmetricParams(numBits, 0, 1, signed: false);
            var t = w.tanh();
            t = t / (2 * t.abs().max()) + 0.5;
            t = LinearQuantization.FakeQuantizeSte(t, scale, zp);
            result = 2 * t - 1;
        }
        return result.MoveToOuterDisposeScope();
    }
}
