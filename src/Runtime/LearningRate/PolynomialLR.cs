using TorchSharp;

namespace Distiller.Typed.LearningRate;

/// <summary>
/// Distiller's <c>PolynomialLR</c> (<c>distiller/learning_rate.py</c>):
/// <c>lr = base_lr · (1 − epoch / T_max)^power</c>.
/// Not torch's <c>PolynomialLR(total_iters, power)</c>, which clamps the epoch at <c>total_iters</c>; see
/// <see cref="LrSchedulerClass"/> for how the YAML name is resolved.
/// </summary>
public sealed class PolynomialLR : ClosedFormLRScheduler
{
    /// <param name="optimizer">Wrapped optimizer.</param>
    /// <param name="T_max">Maximum number of epochs (&gt; 0).</param>
    /// <param name="power">Degree of the polynomial.</param>
    /// <param name="last_epoch">The index of the last epoch. Default: −1.</param>
    public PolynomialLR(torch.optim.Optimizer optimizer, int T_max, double power, int last_epoch = -1)
        : base(optimizer, last_epoch)
    {
        if (T_max <= 0)
            throw new ArgumentOutOfRangeException(nameof(T_max), T_max, "PolynomialLR: T_max (the maximum number of epochs) must be > 0.");
        if (double.IsNaN(power) || double.IsInfinity(power))
            throw new ArgumentOutOfRangeException(nameof(power), power, "PolynomialLR: power must be a finite number.");
        TMax = T_max;
        Power = power;
        InitialStep();
    }

    public int TMax { get; }
    public double Power { get; }

    public override double LearningRate(double baseLr, int epoch)
    {
        var remaining = 1.0 - (double)epoch / TMax;
        if (remaining < 0 && Power != Math.Floor(Power))
            throw new InvalidOperationException(
                $"PolynomialLR: epoch {epoch} is past T_max={TMax} and power={Power} is not an integer, so (1 - epoch/T_max)^power has no real value (Python gives a complex number). Raise T_max to the last epoch.");
        return baseLr * Math.Pow(remaining, Power);
    }
}
