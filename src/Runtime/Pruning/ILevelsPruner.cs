namespace Distiller.Typed.Pruning;

/// <summary>
/// A pruner whose sparsity levels a PruningPolicy's <c>levels</c> argument replaces at every epoch it runs
/// (Distiller sets <c>pruner.levels</c>).
/// </summary>
public interface ILevelsPruner : IPruner
{
    /// <summary>Parameter name (or '*') → fraction of elements to prune.</summary>
    IReadOnlyDictionary<string, double> Levels { get; set; }
}
