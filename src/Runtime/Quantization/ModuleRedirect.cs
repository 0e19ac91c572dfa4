using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization;

/// <summary>
/// How a module is replaced when its parent's field is typed too narrowly for the replacement (<c>ReLU relu</c> cannot
/// hold a quantization wrapper): the field keeps the old module, and hooks make the old module's <c>call()</c> return
/// what the replacement computes from the same input. The replacement is the one registered under the name (see
/// <see cref="ModuleTree.ReplaceChild"/>), so names, parameters, <c>train()</c> and <c>to()</c> follow it. Wrappers
/// reach the module they wrap through <c>forward()</c>, which runs no hooks, so there is no recursion. The old module's
/// own forward still runs (TorchSharp's <c>call()</c> cannot skip it), in evaluation mode and without gradients so it
/// has no effect; its result is discarded. Hooks run when the parent calls the child with <c>call()</c>, as
/// TorchSharp's <c>Sequential</c> and TorchVision-style models do.
/// </summary>
public static class ModuleRedirect
{
    private sealed class State
    {
        public nn.Module<Tensor, Tensor>? Target;
        public long Redirected;
        public readonly Stack<(IDisposable NoGrad, bool WasTraining)> Calls = new();
    }

    private static readonly ConditionalWeakTable<nn.Module, State> States = new();

    /// <summary>The module that runs in place of <paramref name="module"/>, or null.</summary>
    public static nn.Module? Target(nn.Module module) => States.TryGetValue(module, out var s) ? s.Target : null;

    /// <summary>How many calls of <paramref name="module"/> ran its replacement.</summary>
    public static long Redirected(nn.Module module) => States.TryGetValue(module, out var s) ? s.Redirected : 0;

    /// <summary>Makes <paramref name="module"/>'s <c>call()</c> return <paramref name="target"/>'s result (null: its own again).</summary>
    public static void Set(nn.Module module, nn.Module? target, string name)
    {
        if (module is not nn.Module<Tensor, Tensor> hookable)
            throw new InvalidOperationException(
                $"Cannot replace module '{name}' ({module.GetType().Name}) in place: only Module<Tensor, Tensor> modules can be redirected.");
        if (target is not null and not nn.Module<Tensor, Tensor>)
            throw new InvalidOperationException(
                $"Cannot replace module '{name}' in place by {target.GetType().Name}: the replacement must be a Module<Tensor, Tensor>.");
        if (!States.TryGetValue(module, out var state))
        {
            state = new State();
            States.Add(module, state);
            hookable.register_forward_pre_hook((m, input) =>
            {
                if (state.Target is not null)
                {
                    state.Calls.Push((torch.no_grad(), m.training));
                    if (m.training)
                        m.train(false);
                }
                return input;
            });
            hookable.register_forward_hook((m, input, output) =>
            {
                if (state.Target is not { } t || state.Calls.Count == 0)
                    return output;
                state.Redirected++;
                var (noGrad, wasTraining) = state.Calls.Pop();
                noGrad.Dispose();
                if (wasTraining)
                    m.train(true);
                if (!ReferenceEquals(output, input))
                    output.Dispose();
                return t.forward(input);
            });
        }
        state.Target = (nn.Module<Tensor, Tensor>?)target;
    }
}
