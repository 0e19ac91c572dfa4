using Distiller.Typed.Masks;
using Distiller.Typed.Thresholding;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// Fine-grained automated gradual pruning: Zhu &amp; Gupta, "To prune, or not to prune: exploring the efficacy of
/// pruning for model compression" (2017, https://arxiv.org/abs/1710.01878). At each epoch the policy runs,
/// <code>
/// span   = ((ending_epoch - starting_epoch - 1) // frequency) × frequency
/// target = final + (initial - final) × (1 - (epoch - starting_epoch) / span)³
/// </code>
/// and the smallest-magnitude <c>int(target × numel)</c> weights of every listed parameter are pruned
/// (<see cref="ElementwiseThresholds.MaskBySparsityLevel"/>). Parameters not in <c>weights</c> are left alone.
/// </summary>
public sealed class AutomatedGradualPruner : IPruner
{
    private readonly IReadOnlyCollection<string> _weights;

    /// <param name="name">The pruner's name in the schedule.</param>
    /// <param name="initialSparsity">Sparsity at <c>starting_epoch</c>, in [0, 1).</param>
    /// <param name="finalSparsity">Sparsity reached at the last pruning epoch, in (initial, 1].</param>
    /// <param name="weights">The parameters to prune.</param>
    public AutomatedGradualPruner(string name, double initialSparsity, double finalSparsity, IEnumerable<string> weights)
    {
        Name = ParameterValues.Name(name);
        if (!(initialSparsity >= 0 && initialSparsity < 1))
            throw new ArgumentOutOfRangeException(nameof(initialSparsity), initialSparsity, "initial_sparsity must be in [0, 1).");
        if (!(finalSparsity <= 1))
            throw new ArgumentOutOfRangeException(nameof(finalSparsity), finalSparsity, "final_sparsity must be at most 1.");
        Rate = new AgpPruningRate(initialSparsity, finalSparsity);
        _weights = ParameterValues.Names(weights, nameof(weights));
    }

    public string Name { get; }

    public AgpPruningRate Rate { get; }

    public IReadOnlyCollection<string> ParameterNames => _weights;

    /// <summary>The target sparsity at <paramref name="meta"/>'s epoch.</summary>
    public double TargetSparsity(PruningMeta meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        return Rate.Step(meta.CurrentEpoch, meta.StartingEpoch, meta.EndingEpoch, meta.Frequency);
    }

    public void SetParameterMask(Tensor parameter, string parameterName, MaskDictionary masks, PruningMeta meta)
    {
        if (!_weights.Contains(parameterName))
            return;
        masks[parameterName].Mask = ElementwiseThresholds.MaskBySparsityLevel(parameter, TargetSparsity(meta));
    }
}
