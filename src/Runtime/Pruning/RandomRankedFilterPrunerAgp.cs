namespace Distiller.Typed.Pruning;

/// <summary>
/// Random filter pruning on the AGP schedule (Distiller's <c>RandomRankedFilterPruner_AGP</c>): at each call it prunes the fraction
/// s(t) = s_f + (s_i − s_f)·(1 − (t − t₀)/span)³ of structures as <see cref="RandomRankedFilterPruner"/> ranks them
/// (see <see cref="StructuredAgpPruner"/>).
/// </summary>
public sealed class RandomRankedFilterPrunerAgp : StructuredAgpPruner
{
    public const string ClassName = "RandomRankedFilterPruner_AGP";

    /// <param name="name">The schedule's instance name.</param>
    /// <param name="initialSparsity">s_i, the target at the starting epoch.</param>
    /// <param name="finalSparsity">s_f, reached at the last pruning epoch; greater than s_i.</param>
    /// <param name="groupType"><c>Filters</c> or <c>3D</c>.</param>
    /// <param name="weights">The parameters to prune (the first is the leader under <c>group_dependency: Leader</c>).</param>
    /// <param name="groupDependency">Null or <c>"Leader"</c>.</param>
    public RandomRankedFilterPrunerAgp(string name, double initialSparsity, double finalSparsity, string groupType, IReadOnlyList<string> weights,
        string? groupDependency = null)
        : base(ClassName, name, initialSparsity, finalSparsity, new RandomRankedFilterPruner(name, groupType, 0, weights, groupDependency))
    {
    }
}
