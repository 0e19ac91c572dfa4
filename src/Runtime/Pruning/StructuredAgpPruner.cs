using Distiller.Typed.Masks;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// Structured pruning on the AGP schedule (Distiller's <c>StructuredAGP</c>): at each call the target sparsity is
/// <see cref="AgpPruningRate"/>'s cubic ramp
/// <code>
/// s(t) = s_f + (s_i − s_f) · (1 − (t − t₀) / span)³,    span = ((t_end − t₀ − 1) // freq) · freq
/// </code>
/// and the wrapped ranked pruner prunes that fraction of structures. Zhu &amp; Gupta, "To prune, or not to prune:
/// exploring the efficacy of pruning for model compression", arXiv:1710.01878 (2017).
/// </summary>
public abstract class StructuredAgpPruner : IPruner
{
    private protected StructuredAgpPruner(string className, string name, double initialSparsity, double finalSparsity, RankedStructureParameterPruner pruner)
    {
        var owner = $"{className} '{name}'";
        if (!(initialSparsity >= 0 && initialSparsity <= 1))
            throw new ArgumentOutOfRangeException("initial_sparsity", initialSparsity, $"{owner}: initial_sparsity must be in [0, 1].");
        if (!(finalSparsity >= 0 && finalSparsity <= 1))
            throw new ArgumentOutOfRangeException("final_sparsity", finalSparsity, $"{owner}: final_sparsity must be in [0, 1].");
        if (!(finalSparsity > initialSparsity))
            throw new ArgumentOutOfRangeException("final_sparsity", finalSparsity,
                $"{owner}: final_sparsity ({finalSparsity}) must be greater than initial_sparsity ({initialSparsity}).");
        DistillerClassName = className;
        Rate = new AgpPruningRate(initialSparsity, finalSparsity);
        Pruner = pruner;
    }

    /// <summary>Distiller's class name of the concrete pruner (with its <c>_AGP</c> suffix).</summary>
    public string DistillerClassName { get; }

    public string Name => Pruner.Name;

    public IReadOnlyCollection<string> ParameterNames => Pruner.ParameterNames;

    public AgpPruningRate Rate { get; }

    /// <summary>The ranked pruner that prunes to each AGP target.</summary>
    public RankedStructureParameterPruner Pruner { get; }

    /// <summary>The AGP target sparsity at <paramref name="meta"/>'s epoch.</summary>
    public double TargetSparsity(PruningMeta meta) => Rate.Step(meta.CurrentEpoch, meta.StartingEpoch, meta.EndingEpoch, meta.Frequency);

    public void SetParameterMask(Tensor parameter, string parameterName, MaskDictionary masks, PruningMeta meta)
    {
        if (!Pruner.Weights.Contains(parameterName))
            return;
        Pruner.SetParameterMaskBySparsityTarget(parameter, parameterName, masks, TargetSparsity(meta), meta);
    }

    /// <inheritdoc cref="RankedStructureParameterPruner.FindProblems"/>
    public IReadOnlyList<string> FindProblems(nn.Module model) => Pruner.FindProblems(model);
}
