using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization;

/// <summary>
/// One parameter the quantizer re-quantizes (Distiller's <c>_ParamToQuant</c>): the module holding it, the module's
/// name, the attribute holding the float values (<c>float_weight</c> when training with a float copy, else
/// <c>weight</c>) and the one receiving the quantized values.
/// </summary>
public sealed record ParamToQuantize(nn.Module Module, string ModuleName, string FpAttrName, string QAttrName, int NumBits)
{
    public override string ToString() => $"ParamToQuant(module_name={ModuleName},num_bits={NumBits})";
}
