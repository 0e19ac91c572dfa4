using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Modules;

/// <summary>Element-wise sum of its inputs, <c>y = x₀ + x₁ + …</c> (Distiller's <c>EltwiseAdd</c>).</summary>
public class EltwiseAdd : MultiInputModule
{
    public EltwiseAdd() : base(nameof(EltwiseAdd)) { }

    protected EltwiseAdd(string name) : base(name) { }

    protected override Tensor Compute(Tensor[] inputs)
    {
        var result = inputs[0];
        for (int i = 1; i < inputs.Length; i++)
            result = result + inputs[i];
        return inputs.Length == 1 ? result.alias() : result;
    }
}
