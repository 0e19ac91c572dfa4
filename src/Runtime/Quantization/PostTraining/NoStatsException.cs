using Distiller.Typed.Quantization.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.PostTraining;

/// <summary>Thrown when a wrapper needs calibration statistics that were not given (Distiller's <c>NoStatsError</c>).</summary>
public sealed class NoStatsException : InvalidOperationException
{
    public NoStatsException(string message) : base(message) { }
}
