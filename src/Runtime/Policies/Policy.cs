using static TorchSharp.torch;

namespace Distiller.Typed.Policies;

/// <summary>
/// The <em>when</em> of a schedule: the scheduler calls these on every epoch and minibatch the policy is active
/// (Distiller's <c>ScheduledTrainingPolicy</c>). Every callback defaults to doing nothing.
/// </summary>
public abstract class Policy
{
    /// <summary>The instance name from the schedule, or a type name for policies built in code.</summary>
    public virtual string Name => GetType().Name;

    public virtual void OnEpochBegin(EpochContext context) { }

    public virtual void OnMinibatchBegin(MinibatchContext context) { }

    /// <summary>Returns the loss with this policy's terms added, or null when it adds none.</summary>
    public virtual PolicyLoss? BeforeBackwardPass(MinibatchContext context, Tensor loss) => null;

    public virtual void BeforeParameterOptimization(MinibatchContext context) { }

    public virtual void OnMinibatchEnd(MinibatchContext context) { }

    public virtual void OnEpochEnd(EpochContext context) { }

    /// <summary>Writes whatever the policy needs to resume into <paramref name="state"/> (tensors are cloned).</summary>
    public virtual void SaveState(IDictionary<string, object> state) { }

    /// <summary>Restores what <see cref="SaveState"/> wrote.</summary>
    public virtual void LoadState(IReadOnlyDictionary<string, object> state) { }
}
