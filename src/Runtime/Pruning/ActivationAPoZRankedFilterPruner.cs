using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// Prunes the filters whose output channels are most often zero (Distiller's <c>ActivationAPoZRankedFilterPruner</c>):
/// <code>
/// APoZ_f = 100 · (1 − mean over samples and positions of [relu(a_f) &gt; 0])     prune the floor(s·F) highest APoZ
/// </code>
/// Hu et al., "Network Trimming: A Data-Driven Neuron Pruning Approach towards Efficient Deep Architectures",
/// arXiv:1607.03250 (2016). Statistics come from <see cref="ActivationRankedFilterPruner.Observe"/>.
/// </summary>
public sealed class ActivationAPoZRankedFilterPruner : ActivationRankedFilterPruner
{
    public const string ClassName = "ActivationAPoZRankedFilterPruner";

    /// <param name="name">The schedule's instance name.</param>
    /// <param name="groupType"><c>Filters</c> or <c>3D</c>.</param>
    /// <param name="desiredSparsity">Fraction of filters to prune, in [0, 1].</param>
    /// <param name="weights">The convolution weights to prune.</param>
    /// <param name="groupDependency">Null or <c>"Leader"</c>.</param>
    /// <param name="activationModules">Optional weight name → module whose output is measured (default: the weight's own module).</param>
    public ActivationAPoZRankedFilterPruner(string name, string groupType, double desiredSparsity, IReadOnlyList<string> weights,
        string? groupDependency = null, IReadOnlyDictionary<string, string>? activationModules = null)
        : base(ClassName, name, groupType, desiredSparsity, weights, groupDependency, activationModules, ActivationStatistic.APoZ)
    {
    }

    protected override Tensor ImportanceOf(Tensor statistic) => statistic.neg();
}
