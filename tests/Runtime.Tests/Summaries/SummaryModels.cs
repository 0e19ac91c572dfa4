using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Summaries;

internal static class SummaryModels
{
    /// <summary>conv (1 -> 2, 1x1) weights (0, 2); fc (2 -> 3) weights [[0, 0], [1, -1], [2, 0]].</summary>
    public static nn.Module<Tensor, Tensor> Tiny()
    {
        var conv = nn.Conv2d(1, 2, 1);
        var fc = nn.Linear(2, 3);
        using (no_grad())
        {
            conv.weight!.copy_(tensor(new float[] { 0, 2 }).reshape(2, 1, 1, 1));
            fc.weight!.copy_(tensor(new float[] { 0, 0, 1, -1, 2, 0 }).reshape(3, 2));
        }
        return nn.Sequential(("conv", conv), ("pool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()), ("fc", fc));
    }

    /// <summary>conv (1 -> 2, 3x3, padding 1) with filter 0 zeroed; fc (32 -> 3) with its first 16 input columns zeroed.</summary>
    public static nn.Module<Tensor, Tensor> Pruned()
    {
        var conv = nn.Conv2d(1, 2, 3, padding: 1);
        var fc = nn.Linear(32, 3);
        using (no_grad())
        {
            conv.weight![0].zero_();
            fc.weight![TensorIndex.Colon, TensorIndex.Slice(0, 16)].zero_();
            conv.weight![1].abs_().add_(0.1);
            fc.weight![TensorIndex.Colon, TensorIndex.Slice(16, 32)].abs_().add_(0.1);
        }
        return nn.Sequential(("conv", conv), ("flatten", nn.Flatten()), ("fc", fc));
    }
}
