using Distiller.Typed.Pruning;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests;

/// <summary>Tensor helpers shared by the runtime tests.</summary>
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

    public static PruningMeta Meta(int epoch, int start, int end, int frequency, nn.Module? model = null) =>
        new(epoch, start, end, frequency, model ?? nn.Identity());
}
