namespace Distiller.Typed.Quantization;

/// <summary>Statistics of one module: its inputs by index and its output.</summary>
public sealed record ModuleStats(IReadOnlyDictionary<int, TensorStats> Inputs, TensorStats Output);
