using TorchSharp;

namespace Distiller.Typed.LearningRate;

/// <summary>
/// torch's <c>CosineAnnealingWarmRestarts</c> (SGDR: Loshchilov &amp; Hutter, "SGDR: Stochastic Gradient Descent with Warm
/// Restarts", ICLR 2017), which TorchSharp 0.107.0 does not have:
/// <c>lr = eta_min + (base_lr − eta_min) · (1 + cos(π · T_cur / T_i)) / 2</c>, where the i-th period lasts
/// <c>T_i = T_0 · T_mult^i</c> epochs and <c>T_cur</c> counts the epochs since the last restart.
/// </summary>
/// <remarks>
/// The period containing an epoch is found by exact integer arithmetic; PyTorch's <c>step(epoch)</c> uses a floating-point
/// logarithm, which can misplace an epoch that falls exactly on a restart for some <c>T_mult</c> (e.g. 10).
/// </remarks>
public sealed class CosineAnnealingWarmRestarts : ClosedFormLRScheduler
{
    /// <param name="optimizer">Wrapped optimizer.</param>
    /// <param name="T_0">Epochs until the first restart (&gt; 0).</param>
    /// <param name="T_mult">Factor by which each period grows after a restart (≥ 1).</param>
    /// <param name="eta_min">Minimum learning rate.</param>
    /// <param name="last_epoch">The index of the last epoch. Default: −1.</param>
    public CosineAnnealingWarmRestarts(torch.optim.Optimizer optimizer, int T_0, int T_mult = 1, double eta_min = 0, int last_epoch = -1)
        : base(optimizer, last_epoch)
    {
        if (T_0 <= 0)
            throw new ArgumentOutOfRangeException(nameof(T_0), T_0, "CosineAnnealingWarmRestarts: T_0 must be an integer > 0.");
        if (T_mult < 1)
            throw new ArgumentOutOfRangeException(nameof(T_mult), T_mult, "CosineAnnealingWarmRestarts: T_mult must be an integer >= 1.");
        T0 = T_0;
        TMult = T_mult;
        EtaMin = eta_min;
        InitialStep();
    }

    public int T0 { get; }
    public int TMult { get; }
    public double EtaMin { get; }

    /// <summary>(T_cur, T_i) at <paramref name="epoch"/>.</summary>
    public (long TCur, long TI) Position(int epoch)
    {
        long start = 0, period = T0;
        while (epoch >= start + period)
        {
            start += period;
            period *= TMult;
        }
        return (epoch - start, period);
    }

    public override double LearningRate(double baseLr, int epoch)
    {
        var (tCur, tI) = Position(Math.Max(epoch, 0));
        return EtaMin + (baseLr - EtaMin) * (1 + Math.Cos(Math.PI * tCur / tI)) / 2;
    }
}
