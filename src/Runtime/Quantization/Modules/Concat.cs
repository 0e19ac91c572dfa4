using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Modules;

/// <summary>Concatenation of its inputs along <see cref="Dim"/> (Distiller's <c>Concat</c>).</summary>
public class Concat : MultiInputModule
{
    public Concat(long dim = 0) : base(nameof(Concat)) => Dim = dim;

    protected Concat(string name, long dim) : base(name) => Dim = dim;

    public long Dim { get; }

    protected override Tensor Compute(Tensor[] inputs) => torch.cat(inputs, Dim);
}
