using Distiller.Typed.Thresholding;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// Mean-activation-ranked filter pruning on the AGP schedule (Distiller's <c>ActivationMeanRankedFilterPruner_AGP</c>): at each call it prunes the fraction
/// s(t) = s_f + (s_i − s_f)·(1 − (t − t₀)/span)³ of structures as <see cref="ActivationMeanRankedFilterPruner"/> ranks them
/// (see <see cref="StructuredAgpPruner"/>).
/// </summary>
public sealed class ActivationMeanRankedFilterPrunerAgp : StructuredAgpPruner, IModelObserver
{
    public const string ClassName = "ActivationMeanRankedFilterPruner_AGP";

    /// <param name="name">The schedule's instance name.</param>
    /// <param name="initialSparsity">s_i, the target at the starting epoch.</param>
    /// <param name="finalSparsity">s_f, reached at the last pruning epoch; greater than s_i.</param>
    /// <param name="groupType"><c>Filters</c> or <c>3D</c>.</param>
    /// <param name="weights">The parameters to prune (the first is the leader under <c>group_dependency: Leader</c>).</param>
    /// <param name="groupDependency">Null or <c>"Leader"</c>.</param>
    /// <param name="activationModules">Optional weight name → module whose output is measured (default: the weight's own module).</param>
    public ActivationMeanRankedFilterPrunerAgp(string name, double initialSparsity, double finalSparsity, string groupType, IReadOnlyList<string> weights,
        string? groupDependency = null, IReadOnlyDictionary<string, string>? activationModules = null)
        : base(ClassName, name, initialSparsity, finalSparsity, new ActivationMeanRankedFilterPruner(name, groupType, 0, weights, groupDependency, activationModules))
    {
    }

    /// <summary>The activation statistics the wrapped pruner ranks by.</summary>
    public ActivationStatistics Statistics => ((ActivationRankedFilterPruner)Pruner).Statistics;

    public System.IDisposable Observe(nn.Module model) => ((ActivationRankedFilterPruner)Pruner).Observe(model);
}
