using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization;

/// <summary>
/// One parameter the quantizer re-quantizes (Distiller's <c>_ParamToQuant</c>): the module holding it, the module's
/// name, the attribute holding the float values and the one the quantized values are for (both <c>weight</c> or
/// <c>bias</c>: with a float copy the layer keeps its float parameter and computes with the quantized copy, see
/// <see cref="InPlaceWeightQuantization"/>).
/// </summary>
public sealed record ParamToQuantize(nn.Module Module, string ModuleName, string FpAttrName, string QAttrName, int NumBits)
{
    public override string ToString() => $"ParamToQuant(module_name={ModuleName},num_bits={NumBits})";
}
