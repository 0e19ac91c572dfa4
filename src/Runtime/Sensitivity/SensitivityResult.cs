namespace Distiller.Typed.Sensitivity;

/// <summary>What one evaluation of the model measured: top-1 and top-5 accuracy in percent and the mean loss.</summary>
public readonly record struct SensitivityScore(double Top1, double Top5, double Loss);

/// <summary>One row of <c>sensitivity.csv</c>: the model's score with only <paramref name="Parameter"/> pruned to <paramref name="Sparsity"/>.</summary>
public sealed record SensitivityPoint(string Parameter, double Sparsity, double Top1, double Top5, double Loss)
{
    public SensitivityPoint(string parameter, double sparsity, SensitivityScore score)
        : this(parameter, sparsity, score.Top1, score.Top5, score.Loss)
    {
    }
}
