using Distiller.Typed.Regularization;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Policies;

/// <summary>
/// Adds a regularizer's penalty to the loss on the epochs it is scheduled for, as Distiller's
/// <c>RegularizationPolicy</c>:
/// <code>
/// overall_loss = loss + Σ_params regularizer.loss(param)      component "&lt;RegularizerClass&gt;_loss"
/// </code>
/// At every minibatch end (when the regularizer has a threshold criterion) it thresholds each parameter into a
/// regularization mask and applies it; a regularization mask is dropped once applied, unless this is the last
/// minibatch of the last epoch and <c>keep_mask</c> is set, in which case it becomes a lasting pruning mask.
/// </summary>
public sealed class RegularizationPolicy : Policy
{
    private readonly string _name;
    private bool _isLastEpoch;

    public RegularizationPolicy(IRegularizer regularizer, bool keepMask = false, string? name = null)
    {
        Regularizer = regularizer ?? throw new ArgumentNullException(nameof(regularizer));
        KeepMask = keepMask;
        _name = name ?? regularizer.Name;
    }

    public override string Name => _name;

    public IRegularizer Regularizer { get; }

    public bool KeepMask { get; }

    /// <summary>The loss component's name: the regularizer's class name + "_loss", as Distiller.</summary>
    public string LossComponentName => Regularizer.GetType().Name + "_loss";

    public override void OnEpochBegin(EpochContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var schedule = context.Schedule ?? throw new InvalidOperationException(
            $"RegularizationPolicy '{Name}' needs its schedule: add it to a CompressionScheduler or pass a context with Schedule set.");
        _isLastEpoch = schedule.IsLastEpoch(context.Epoch);
    }

    public override PolicyLoss? BeforeBackwardPass(MinibatchContext context, Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(loss);
        var regularizerLoss = zeros(Array.Empty<long>(), ScalarType.Float32, loss.device);
        foreach (var (name, parameter) in context.Model.named_parameters())
            regularizerLoss = Regularizer.Loss(parameter, name, regularizerLoss, context.Masks);
        return new PolicyLoss(loss + regularizerLoss, new[] { new LossComponent(LossComponentName, regularizerLoss) });
    }

    public override void OnMinibatchEnd(MinibatchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Regularizer.HasThresholdCriteria)
            return;
        bool keepMask = context.MinibatchesPerEpoch - 1 == context.Minibatch && _isLastEpoch && KeepMask;
        foreach (var (name, parameter) in context.Model.named_parameters())
        {
            Regularizer.Threshold(parameter, name, context.Masks);
            var masker = context.Masks[name];
            if (keepMask)
                masker.IsRegularizationMask = false;
            masker.ApplyMask(parameter);
        }
    }

    public override void SaveState(IDictionary<string, object> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state["is_last_epoch"] = _isLastEpoch;
        if (Regularizer is IStateful stateful)
        {
            var inner = new Dictionary<string, object>(StringComparer.Ordinal);
            stateful.SaveState(inner);
            foreach (var (key, value) in inner)
                state["regularizer/" + key] = value;
        }
    }

    public override void LoadState(IReadOnlyDictionary<string, object> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _isLastEpoch = state.TryGetValue("is_last_epoch", out var last) && (bool)last;
        if (Regularizer is IStateful stateful)
            stateful.LoadState(state
                .Where(kv => kv.Key.StartsWith("regularizer/", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key["regularizer/".Length..], kv => kv.Value, StringComparer.Ordinal));
    }
}
