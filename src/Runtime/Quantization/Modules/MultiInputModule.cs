using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Modules;

/// <summary>
/// Base of modules that combine several tensors (<see cref="EltwiseAdd"/>, <see cref="EltwiseMult"/>,
/// <see cref="Concat"/>). Models that want these operations quantized write them as modules instead of functional
/// code, as in Distiller (https://intellabs.github.io/distiller/prepare_model_quant.html). Quantized wrappers derive
/// from the concrete module type, so a field typed <c>EltwiseAdd</c> can hold its quantized replacement.
/// </summary>
public abstract class MultiInputModule : nn.Module<Tensor[], Tensor>
{
    protected MultiInputModule(string name) : base(name) { }

    /// <summary>Called after every forward pass with the inputs and the output (used by calibration and tracing).</summary>
    internal Action<MultiInputModule, Tensor[], Tensor>? Observer { get; set; }

    /// <summary>Two-input convenience overload.</summary>
    public Tensor forward(Tensor a, Tensor b) => forward(new[] { a, b });

    public sealed override Tensor forward(Tensor[] inputs)
    {
        if (inputs is null || inputs.Length == 0)
            throw new ArgumentException($"{GetType().Name} needs at least one input tensor.", nameof(inputs));
        var output = Compute(inputs);
        Observer?.Invoke(this, inputs, output);
        return output;
    }

    /// <summary>The operation itself.</summary>
    protected abstract Tensor Compute(Tensor[] inputs);
}
