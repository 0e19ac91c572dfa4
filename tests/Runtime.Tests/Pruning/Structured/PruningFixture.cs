using Distiller.Typed.Masks;
using Distiller.Typed.Pruning;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Pruning.Structured;

/// <summary>Small models with hand-set weights, and helpers to run a pruner and read its mask.</summary>
internal static class PruningFixture
{
    public static Tensor Param(nn.Module model, string name) => model.named_parameters().Single(p => p.name == name).parameter;

    public static void Set(nn.Module model, string name, float[] values)
    {
        using var _ = no_grad();
        var p = Param(model, name);
        p.copy_(tensor(values).reshape(p.shape));
    }

    /// <summary>Four filters of 4 elements each, every element of filter f equal to <paramref name="filterValues"/>[f].</summary>
    public static float[] Filters(params float[] filterValues) => filterValues.SelectMany(v => Enumerable.Repeat(v, 4)).ToArray();

    public static PruningMeta Meta(nn.Module model, int epoch = 0, int start = 0, int end = 20, int frequency = 2) =>
        new(epoch, start, end, frequency, model);

    /// <summary>Runs the pruner on <paramref name="name"/> and returns its mask's values (null when no mask was set).</summary>
    public static float[]? Prune(IPruner pruner, nn.Module model, MaskDictionary masks, string name, PruningMeta? meta = null)
    {
        pruner.SetParameterMask(Param(model, name), name, masks, meta ?? Meta(model));
        return masks[name].Mask?.contiguous().data<float>().ToArray();
    }

    /// <summary>Per-filter 1/0 summary of a mask: 1 when any element of the filter is kept.</summary>
    public static float[] FilterMap(float[] mask, int filters)
    {
        int per = mask.Length / filters;
        return Enumerable.Range(0, filters).Select(f => mask.Skip(f * per).Take(per).Any(v => v != 0) ? 1f : 0f).ToArray();
    }
}
