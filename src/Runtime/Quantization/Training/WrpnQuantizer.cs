using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Training;

/// <summary>
/// WRPN quantization-aware training (Mishra et al., "WRPN: Wide Reduced-Precision Networks",
/// https://arxiv.org/abs/1709.01134): weights clipped to [−1, 1] and quantized symmetrically with
/// <c>scale = (2^k − 1)/2</c>, <c>w_q = round(scale·clamp(w, −1, 1))/scale</c>; ReLU activations clipped to [0, 1] and
/// quantized to k bits. As in Distiller, layer widening and the special 1-bit weight handling are left to the user.
/// </summary>
public class WrpnQuantizer : Quantizer
{
    public WrpnQuantizer(nn.Module model, optim.Optimizer optimizer, int? bitsActivations = 32, int? bitsWeights = 32,
        int? bitsBias = null, QuantizerOverrides? overrides = null)
        : base(model, optimizer, bitsActivations, bitsWeights, bitsBias, overrides, trainWithFpCopy: true)
    {
        ParamQuantization = (w, meta) => QuantizeParam(w, meta.NumBits);
        ReplacementFactories[typeof(ReLU)] = new ReplacementFactory(r =>
            r.QBits.Activations is { } bits ? new ClippedLinearQuantization(bits, 1.0) : r.Module);
    }

    /// <summary>WRPN's weight quantization (Distiller's <c>wrpn_quantize_param</c>).</summary>
    public static Tensor QuantizeParam(Tensor w, int numBits)
    {
        using var scope = torch.NewDisposeScope();
        var (scale, zp) = LinearQuantization.SymmetricParams(numBits, 1.0);
        return LinearQuantization.FakeQuantizeSte(w.clamp(-1, 1), scale, zp).MoveToOuterDisposeScope();
    }
}
