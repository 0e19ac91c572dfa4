using Distiller.Typed.Thresholding;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// L1-ranked structure pruning at a random level (Distiller's <c>RandomLevelStructureParameterPruner</c>): each
/// time it runs it draws s ~ U(sparsity_range[0], sparsity_range[1]) from torch's generator and prunes the fraction s
/// of structures with the smallest mean L1 norm, as <see cref="L1RankedStructureParameterPruner"/> does. Like
/// DropFilter, but the level rather than the filters is random.
/// </summary>
public sealed class RandomLevelStructureParameterPruner : LpRankedStructureParameterPruner
{
    public const string ClassName = "RandomLevelStructureParameterPruner";

    /// <param name="name">The schedule's instance name.</param>
    /// <param name="groupType"><c>Filters</c>/<c>3D</c>, <c>Channels</c>, <c>Rows</c> or <c>Blocks</c>.</param>
    /// <param name="sparsityRange">[low, high] with 0 ≤ low ≤ high ≤ 1.</param>
    /// <param name="weights">The parameters to prune.</param>
    /// <param name="groupDependency">Null or <c>"Leader"</c>.</param>
    /// <param name="blockShape">kwargs <c>block_shape</c>; required for <c>Blocks</c>.</param>
    public RandomLevelStructureParameterPruner(string name, string groupType, IReadOnlyList<double> sparsityRange, IReadOnlyList<string> weights,
        string? groupDependency = null, BlockShape? blockShape = null)
        : base(ClassName, name, groupType, 0, weights, groupDependency, blockShape, noise: 0, groupSize: 1, GroupNorm.L1)
    {
        if (sparsityRange is null || sparsityRange.Count != 2 || !(sparsityRange[0] >= 0 && sparsityRange[0] <= sparsityRange[1] && sparsityRange[1] <= 1))
            throw new ArgumentException(
                $"{ClassName} '{name}': sparsity_range must be [low, high] with 0 <= low <= high <= 1; got " +
                $"{(sparsityRange is null ? "nothing" : "[" + string.Join(", ", sparsityRange) + "]")}.", "sparsity_range");
        SparsityRange = (sparsityRange[0], sparsityRange[1]);
    }

    public (double Low, double High) SparsityRange { get; }

    protected override double FractionToPrune(string parameterName) =>
        SparsityRange.Low + (SparsityRange.High - SparsityRange.Low) * rand(1, dtype: ScalarType.Float64).item<double>();
}
