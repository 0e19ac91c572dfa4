using Distiller.Typed.Masks;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>Where in its schedule a pruner is called (Distiller's pruning <c>meta</c> dictionary).</summary>
public sealed record PruningMeta(int CurrentEpoch, int StartingEpoch, int EndingEpoch, int Frequency, nn.Module Model);

/// <summary>
/// A pruning algorithm: sets the mask of each parameter it is responsible for (Distiller's
/// <c>set_param_mask</c>). The PruningPolicy decides when it runs and applies the masks.
/// </summary>
public interface IPruner
{
    string Name { get; }

    /// <summary>The parameters this pruner touches, as named in the schedule ('*' when it applies to all).</summary>
    IReadOnlyCollection<string> ParameterNames { get; }

    void SetParameterMask(Tensor parameter, string parameterName, MaskDictionary masks, PruningMeta meta);
}
