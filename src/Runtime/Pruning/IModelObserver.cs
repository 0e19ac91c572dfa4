using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// A pruner that ranks by something it must watch during forward passes (activation statistics). The code that
/// builds the schedule calls <see cref="Observe"/> once, before training, and disposes the result to remove the hooks.
/// </summary>
public interface IModelObserver
{
    /// <summary>Registers forward hooks on <paramref name="model"/>; disposing the result removes them.</summary>
    IDisposable Observe(nn.Module model);
}
