using Distiller.Typed.Quantization.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization;

/// <summary>
/// Returns an alias of its input (Distiller puts <c>nn.Identity</c> there: a folded batch-norm, a ReLU absorbed into
/// the layer before it). The alias remembers its source, so tracing sees through it and the quantization metadata of
/// the input carries over. (An alias rather than the input itself: <c>Sequential</c> disposes each intermediate result.)
/// </summary>
public sealed class PassThrough : nn.Module<Tensor, Tensor>
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Tensor, Tensor> Sources = new();

    public PassThrough() : base(nameof(PassThrough)) { }

    public override Tensor forward(Tensor input)
    {
        var output = input.alias();
        Sources.AddOrUpdate(output, Resolve(input));
        return output;
    }

    /// <summary>The tensor a chain of pass-throughs started from (the tensor itself when it came from elsewhere).</summary>
    public static Tensor Resolve(Tensor t) => Sources.TryGetValue(t, out var source) ? source : t;
}
