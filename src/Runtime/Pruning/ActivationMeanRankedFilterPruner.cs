using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// Prunes the filters whose output channels have the lowest mean activation (Distiller's
/// <c>ActivationMeanRankedFilterPruner</c>):
/// <code>
/// mean_f = mean over samples and positions of relu(a_f)       prune the floor(s·F) lowest
/// </code>
/// Molchanov et al., "Pruning Convolutional Neural Networks for Resource Efficient Inference", ICLR 2017
/// (arXiv:1611.06440), where a low mean activation marks an unimportant filter. Distiller sorts the means ascending
/// and keeps the first F − n, i.e. it prunes the filters with the <em>highest</em> means — the opposite of the paper;
/// here the lowest are pruned. Statistics come from <see cref="ActivationRankedFilterPruner.Observe"/>.
/// </summary>
public sealed class ActivationMeanRankedFilterPruner : ActivationRankedFilterPruner
{
    public const string ClassName = "ActivationMeanRankedFilterPruner";

    /// <param name="name">The schedule's instance name.</param>
    /// <param name="groupType"><c>Filters</c> or <c>3D</c>.</param>
    /// <param name="desiredSparsity">Fraction of filters to prune, in [0, 1].</param>
    /// <param name="weights">The convolution weights to prune.</param>
    /// <param name="groupDependency">Null or <c>"Leader"</c>.</param>
    /// <param name="activationModules">Optional weight name → module whose output is measured (default: the weight's own module).</param>
    public ActivationMeanRankedFilterPruner(string name, string groupType, double desiredSparsity, IReadOnlyList<string> weights,
        string? groupDependency = null, IReadOnlyDictionary<string, string>? activationModules = null)
        : base(ClassName, name, groupType, desiredSparsity, weights, groupDependency, activationModules, ActivationStatistic.Mean)
    {
    }

    protected override Tensor ImportanceOf(Tensor statistic) => statistic;
}
