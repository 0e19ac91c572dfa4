using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Thinning;

/// <summary>
/// Shrinks the optimizer's per-parameter state with its parameter (Distiller's <c>_optimizer_thinning</c>): SGD's
/// momentum buffer keeps the entries of the structures that stay. As in Distiller, only SGD's state is understood; an
/// optimizer of another type is refused before anything changes, since its state would no longer fit its parameters.
/// </summary>
internal sealed class OptimizerThinning
{
    private readonly Dictionary<IntPtr, SGD.State> _states = new();

    public OptimizerThinning(optim.Optimizer? optimizer)
    {
        switch (optimizer)
        {
            case null:
                return;
            case SGD sgd:
                var states = sgd.state_dict().State;
                var parameters = sgd.parameters().ToList();
                for (int i = 0; i < parameters.Count && i < states.Count; i++)
                    if (states[i] is SGD.State state)
                        _states[parameters[i].Handle] = state;
                return;
            default:
                throw new ArgumentException(
                    $"Thinning keeps the optimizer's state in step with the parameters it shrinks, which it can do for SGD (momentum buffers), as Distiller; " +
                    $"the optimizer is {optimizer.GetType().Name}. Thin with an SGD optimizer, or with none and create the optimizer afterwards.",
                    nameof(optimizer));
        }
    }

    /// <summary>Keeps <paramref name="kept"/> along <paramref name="dim"/> of the momentum buffer of <paramref name="parameter"/>, if it has one.</summary>
    public void Select(Tensor parameter, int dim, Tensor kept)
    {
        if (_states.TryGetValue(parameter.Handle, out var state) && state.momentum_buffer is { } buffer)
            buffer.set_(buffer.index_select(dim, kept.to(buffer.device)));
    }
}
