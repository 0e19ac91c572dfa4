using Distiller.Typed.Masks;
using Distiller.Typed.Pruning;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests;

/// <summary>Small models, tensors and helpers shared by the runtime tests.</summary>
internal static class TestModels
{
    public static float[] Values(Tensor t) => t.detach().cpu().contiguous().data<float>().ToArray();

    /// <summary>True when both tensors have the same shape and exactly the same elements.</summary>
    public static bool Same(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.shape.SequenceEqual(b.shape) && a.detach().cpu().eq(b.detach().cpu()).all().ToBoolean();
    }

    public static void Set(Tensor parameter, params float[] values)
    {
        using var noGrad = no_grad();
        using var source = tensor(values).reshape(parameter.shape);
        parameter.copy_(source);
    }

    /// <summary>A masks dictionary holding one masker per name (for pruners called outside a model).</summary>
    public static MaskDictionary Masks(nn.Module model) => MaskDictionary.For(model);

    public static PruningMeta Meta(int epoch, int start, int end, int frequency, nn.Module? model = null) =>
        new(epoch, start, end, frequency, model ?? nn.Identity());

    /// <summary>A one-layer model whose single parameter "w" has the given values.</summary>
    public static nn.Module<Tensor, Tensor> Single(params float[] values) => new SingleParameter(values);

    private sealed class SingleParameter : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Parameter w;

        public SingleParameter(float[] values) : base(nameof(SingleParameter))
        {
            w = nn.Parameter(tensor(values));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => input * w;
    }
}
