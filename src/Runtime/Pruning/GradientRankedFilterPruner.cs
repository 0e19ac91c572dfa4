using System.Diagnostics;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// Ranks filters by the sum of weight × gradient over each filter and prunes the lowest (Distiller's
/// <c>GradientRankedFilterPruner</c>):
/// <code>
/// importance_f = Σ_{c,h,w} W[f,c,h,w] · ∂L/∂W[f,c,h,w]          prune the floor(s·F) lowest
/// </code>
/// A first-order Taylor estimate of the loss change from removing the filter (Molchanov et al., "Pruning
/// Convolutional Neural Networks for Resource Efficient Inference", ICLR 2017). It reads the gradient the last
/// backward pass left on the parameter; when there is none yet (e.g. at the first epoch's start) the mask is left
/// unchanged and a warning is traced, as Distiller logs and skips.
/// </summary>
public sealed class GradientRankedFilterPruner : FilterRankedPruner
{
    public const string ClassName = "GradientRankedFilterPruner";

    /// <param name="name">The schedule's instance name.</param>
    /// <param name="groupType"><c>Filters</c> or <c>3D</c>.</param>
    /// <param name="desiredSparsity">Fraction of filters to prune, in [0, 1].</param>
    /// <param name="weights">The convolution weights to prune.</param>
    /// <param name="groupDependency">Null or <c>"Leader"</c>.</param>
    public GradientRankedFilterPruner(string name, string groupType, double desiredSparsity, IReadOnlyList<string> weights, string? groupDependency = null)
        : base(ClassName, name, groupType, desiredSparsity, weights, groupDependency)
    {
    }

    protected override Tensor? Importance(Tensor parameter, string parameterName, PruningMeta meta)
    {
        // The detached tensor shares no grad; read it from the model's parameter.
        var live = ModelParameters.Find(meta.Model, parameterName, Owner);
        var grad = live.grad;
        if (grad is null)
        {
            Trace.TraceWarning($"{Owner}: skipped '{parameterName}' because it has no gradient yet (no backward pass has run).");
            return null;
        }
        return live.detach().mul(grad).reshape(live.shape[0], -1).sum(1);
    }
}
