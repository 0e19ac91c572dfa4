using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.PostTraining;

/// <summary>The quantization settings of one tensor kind of a wrapper (Distiller's <c>QuantSettings</c>).</summary>
public sealed record QuantSettings(int? NumBits, LinearQuantMode QuantMode, ClipMode ClipMode, double? ClipNStds, bool ClipHalfRange, bool PerChannel);
