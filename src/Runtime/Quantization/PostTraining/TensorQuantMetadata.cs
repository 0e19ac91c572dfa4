using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.PostTraining;

/// <summary>How a de-quantized tensor was quantized: scale, zero point and integer range (Distiller's <c>TensorQuantMetadata</c>).</summary>
public sealed record TensorQuantMetadata(Tensor Scale, Tensor ZeroPoint, double MinQ, double MaxQ);
