using TorchSharp;

namespace Distiller.Typed.LearningRate;

/// <summary>
/// Base of the schedulers this runtime implements itself — Distiller's own (<c>distiller/learning_rate.py</c>) and
/// torch's <c>CosineAnnealingWarmRestarts</c>, which TorchSharp 0.107.0 lacks — on TorchSharp's
/// <see cref="torch.optim.lr_scheduler.LRScheduler"/>: every step sets each parameter group's LR to
/// <see cref="LearningRate(double, int)"/> of its initial LR and the epoch, whether the epoch is given or implied.
/// </summary>
/// <remarks>TorchSharp keeps the base class's epoch and initial LRs internal, so this class tracks its own.</remarks>
public abstract class ClosedFormLRScheduler : torch.optim.lr_scheduler.LRScheduler
{
    private readonly IReadOnlyList<double> _baseLrs;

    /// <param name="optimizer">Wrapped optimizer; each group's <c>InitialLearningRate</c> is its base LR.</param>
    /// <param name="lastEpoch">The index of the last epoch (−1 to start fresh). The constructor steps once, to <c>lastEpoch + 1</c>.</param>
    protected ClosedFormLRScheduler(torch.optim.Optimizer optimizer, int lastEpoch)
        : base(optimizer ?? throw new ArgumentNullException(nameof(optimizer)), lastEpoch)
    {
        if (lastEpoch < -1)
            throw new ArgumentOutOfRangeException(nameof(lastEpoch), lastEpoch, "last_epoch must be -1 (fresh start) or a completed epoch index >= 0.");
        Optimizer = optimizer;
        _baseLrs = optimizer.ParamGroups.Select(g => g.InitialLearningRate).ToArray();
        LastEpoch = lastEpoch;
    }

    /// <summary>The epoch the current LR belongs to (PyTorch's <c>last_epoch</c>).</summary>
    public int LastEpoch { get; private set; }

    /// <summary>Each parameter group's initial LR (PyTorch's <c>base_lrs</c>).</summary>
    public IReadOnlyList<double> BaseLearningRates => _baseLrs;

    protected torch.optim.Optimizer Optimizer { get; }

    /// <summary>Call at the end of the derived constructor: PyTorch's initial step to <c>last_epoch + 1</c>.</summary>
    protected void InitialStep() => step();

    public override void step(int? epoch)
    {
        LastEpoch = epoch ?? LastEpoch + 1;
        base.step(epoch);
    }

    /// <summary>The LR of a group whose initial LR is <paramref name="baseLr"/> at <paramref name="epoch"/>.</summary>
    public abstract double LearningRate(double baseLr, int epoch);

    protected override IEnumerable<double> get_lr() => _baseLrs.Select(lr => LearningRate(lr, LastEpoch)).ToArray();

    protected override IEnumerable<double> get_closed_form_lr() => get_lr();
}
