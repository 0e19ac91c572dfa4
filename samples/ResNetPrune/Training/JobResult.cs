namespace Distiller.Typed.Samples.ResNetPrune.Training;

/// <summary>
/// How a run ended: last and best validation top-1 (%), the epoch of the best (0-based), total weight sparsity (%),
/// its --out-dir, and the test-set top-1 of the final model (the validation set is held out of the training set
/// unless --vs 0).
/// </summary>
public sealed record JobResult(double Top1, double BestTop1, int BestEpoch, double SparsityPercent, string? OutDir, double? TestTop1 = null);
