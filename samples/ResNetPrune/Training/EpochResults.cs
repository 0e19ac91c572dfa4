namespace Distiller.Typed.Samples.ResNetPrune.Training;

/// <summary>One training epoch's averages: the loss back-propagated (with compression terms), the classification loss alone, top-1 (%).</summary>
public sealed record TrainingResult(double OverallLoss, double ObjectiveLoss, double Top1, IReadOnlyDictionary<string, double> LossComponents);

/// <summary>Validation: average cross-entropy and top-1 / top-5 accuracy (%).</summary>
public sealed record EvaluationResult(double Loss, double Top1, double Top5);
