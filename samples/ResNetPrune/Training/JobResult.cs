namespace Distiller.Typed.Samples.ResNetPrune.Training;

/// <summary>How a run ended: last and best validation top-1 (%), the epoch of the best (0-based), total weight sparsity (%), and its --out-dir.</summary>
public sealed record JobResult(double Top1, double BestTop1, int BestEpoch, double SparsityPercent, string? OutDir);
