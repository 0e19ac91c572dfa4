using TorchSharp;

namespace Distiller.Typed.LearningRate;

/// <summary>
/// Distiller's <c>MultiStepMultiGammaLR</c> (<c>distiller/learning_rate.py</c>): torch's <c>MultiStepLR</c> with one gamma
/// per milestone. <c>lr = base_lr · G[k]</c>, where <c>G[0] = 1</c>, <c>G[i+1] = gammas[i] · G[i]</c> and <c>k</c> is the number
/// of milestones ≤ epoch (Python's <c>bisect_right</c>).
/// </summary>
public sealed class MultiStepMultiGammaLR : ClosedFormLRScheduler
{
    private readonly int[] _milestones;
    private readonly double[] _multiplicativeGammas;

    /// <param name="optimizer">Wrapped optimizer.</param>
    /// <param name="milestones">Epoch indices, non-decreasing.</param>
    /// <param name="gammas">One factor per milestone.</param>
    /// <param name="last_epoch">The index of the last epoch. Default: −1.</param>
    public MultiStepMultiGammaLR(torch.optim.Optimizer optimizer, IReadOnlyList<int> milestones, IReadOnlyList<double> gammas, int last_epoch = -1)
        : base(optimizer, last_epoch)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        ArgumentNullException.ThrowIfNull(gammas);
        if (!milestones.SequenceEqual(milestones.OrderBy(m => m)))
            throw new ArgumentException($"MultiStepMultiGammaLR: milestones must be a list of increasing integers, got [{string.Join(", ", milestones)}].", nameof(milestones));
        if (milestones.Count != gammas.Count)
            throw new ArgumentException($"MultiStepMultiGammaLR: milestones ({milestones.Count}) and gammas ({gammas.Count}) must have the same length.", nameof(gammas));

        _milestones = milestones.ToArray();
        _multiplicativeGammas = new double[gammas.Count + 1];
        _multiplicativeGammas[0] = 1;
        for (var i = 0; i < gammas.Count; i++)
            _multiplicativeGammas[i + 1] = gammas[i] * _multiplicativeGammas[i];
        InitialStep();
    }

    /// <summary>Distiller's <c>multiplicative_gammas</c>: <c>[1, g0, g0·g1, ...]</c>.</summary>
    public IReadOnlyList<double> MultiplicativeGammas => _multiplicativeGammas;

    public override double LearningRate(double baseLr, int epoch)
    {
        var k = 0;
        while (k < _milestones.Length && _milestones[k] <= epoch)
            k++;
        return baseLr * _multiplicativeGammas[k];
    }
}
