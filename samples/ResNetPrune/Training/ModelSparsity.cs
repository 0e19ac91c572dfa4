using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Training;

/// <summary>
/// Total weight sparsity as Distiller's <c>weights_sparsity_summary</c> totals it: zeros over elements of the
/// convolution and fully-connected weights (parameters with 2 or 4 dimensions), in percent.
/// </summary>
public static class ModelSparsity
{
    public static double TotalPercent(nn.Module model)
    {
        using var scope = NewDisposeScope();
        long zeros = 0, total = 0;
        foreach (var (_, parameter) in model.named_parameters())
        {
            if (parameter.dim() is not (2 or 4))
                continue;
            zeros += parameter.logical_not().sum().item<long>();
            total += parameter.numel();
        }
        return total == 0 ? 0 : 100.0 * zeros / total;
    }
}
