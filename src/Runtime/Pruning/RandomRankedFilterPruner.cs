using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// Prunes floor(s·F) filters chosen uniformly at random (Distiller's <c>RandomRankedFilterPruner</c>, a sanity
/// baseline for the ranked pruners). Draws from torch's generator on the parameter's device, so
/// <c>torch.manual_seed</c> makes it repeatable.
/// </summary>
public sealed class RandomRankedFilterPruner : FilterRankedPruner
{
    public const string ClassName = "RandomRankedFilterPruner";

    /// <param name="name">The schedule's instance name.</param>
    /// <param name="groupType"><c>Filters</c> or <c>3D</c>.</param>
    /// <param name="desiredSparsity">Fraction of filters to prune, in [0, 1].</param>
    /// <param name="weights">The convolution weights to prune.</param>
    /// <param name="groupDependency">Null or <c>"Leader"</c>.</param>
    public RandomRankedFilterPruner(string name, string groupType, double desiredSparsity, IReadOnlyList<string> weights, string? groupDependency = null)
        : base(ClassName, name, groupType, desiredSparsity, weights, groupDependency)
    {
    }

    protected override Tensor? Importance(Tensor parameter, string parameterName, PruningMeta meta) =>
        rand(parameter.shape[0], device: parameter.device);
}
