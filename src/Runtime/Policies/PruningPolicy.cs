using Distiller.Typed.Masks;
using Distiller.Typed.Pruning;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Policies;

/// <summary>
/// Runs a pruner on the epochs it is scheduled for, exactly as Distiller's <c>PruningPolicy</c>:
/// <list type="bullet">
/// <item>epoch begin: the first time, configures every parameter's masker (<c>use_double_copies</c>,
/// <c>mask_on_forward_only</c>, <c>mask_gradients</c>) and, unless <c>skip_first_minibatch</c>, asks the pruner
/// for masks; on later epochs asks the pruner for masks.</item>
/// <item>minibatch begin: recomputes masks when <c>mini_batch_pruning_frequency</c> says so (never on a
/// minibatch 0, which epoch begin covered), or at global minibatch 1 with <c>skip_first_minibatch</c>; then
/// applies every mask.</item>
/// <item>before the optimizer step: restores the dense weights kept by <c>use_double_copies</c>.</item>
/// <item>minibatch end: drops every mask with <c>discard_masks_at_minibatch_end</c>.</item>
/// <item>end of the last epoch (<c>ending_epoch - 1</c>): with <c>keep_mask</c>, masks the weights for good and
/// turns off forward-only masking and double copies; always stops gradient masking.</item>
/// </list>
/// The pruner is called for every parameter of the model; each pruner picks its own.
/// </summary>
public sealed class PruningPolicy : Policy
{
    private readonly string _name;
    private BatchNormFoldedWeights? _folding;
    private bool _isInitialized;
    private bool _isLastEpoch;

    public PruningPolicy(IPruner pruner, PruningPolicyOptions? options = null, string? name = null)
    {
        Pruner = pruner ?? throw new ArgumentNullException(nameof(pruner));
        Options = options ?? new PruningPolicyOptions();
        _name = name ?? pruner.Name;
        Validate(pruner, Options);
    }

    public override string Name => _name;

    public IPruner Pruner { get; }

    public PruningPolicyOptions Options { get; }

    public override void OnEpochBegin(EpochContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var schedule = RequireSchedule(context);
        _isLastEpoch = schedule.IsLastEpoch(context.Epoch);
        if (Options.Levels is not null)
            ((ILevelsPruner)Pruner).Levels = Options.Levels;
        if (Options.FoldBatchNorm)
            _folding ??= BatchNormFoldedWeights.Trace(context.Model, Options.InputShape!);

        var meta = Meta(context, schedule);
        bool wasInitialized = _isInitialized;
        foreach (var (name, parameter) in context.Model.named_parameters())
        {
            if (!wasInitialized)
            {
                var masker = context.Masks[name];
                masker.UseDoubleCopies = Options.UseDoubleCopies;
                masker.MaskOnForwardOnly = Options.MaskOnForwardOnly;
                if (Options.MaskGradients)
                    masker.MaskGradients = true;
                if (!Options.SkipFirstMinibatch)
                    SetMask(name, parameter, context.Masks, meta);
            }
            else
            {
                SetMask(name, parameter, context.Masks, meta);
            }
        }
        _isInitialized = true;
    }

    public override void OnMinibatchBegin(MinibatchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        long globalMinibatch = (long)context.Epoch * context.MinibatchesPerEpoch + context.Minibatch;
        bool setMasks = context.Minibatch > 0
                        && Options.MiniBatchPruningFrequency != 0
                        && globalMinibatch % Options.MiniBatchPruningFrequency == 0;
        if (Options.SkipFirstMinibatch && globalMinibatch == 1)
            setMasks = true;

        PruningMeta? meta = setMasks ? Meta(context, RequireSchedule(context)) : null;
        foreach (var (name, parameter) in context.Model.named_parameters())
        {
            if (meta is not null)
                SetMask(name, parameter, context.Masks, meta);
            context.Masks[name].ApplyMask(parameter);
        }
    }

    public override void BeforeParameterOptimization(MinibatchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var (name, parameter) in context.Model.named_parameters())
            context.Masks[name].RestoreUnmasked(parameter);
    }

    public override void OnMinibatchEnd(MinibatchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Options.DiscardMasksAtMinibatchEnd)
            return;
        foreach (var (name, _) in context.Model.named_parameters())
            context.Masks[name].Mask = null;
    }

    public override void OnEpochEnd(EpochContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_isLastEpoch)
            return;
        foreach (var (name, parameter) in context.Model.named_parameters())
        {
            var masker = context.Masks[name];
            if (Options.KeepMask)
            {
                masker.UseDoubleCopies = false;
                masker.MaskOnForwardOnly = false;
                masker.MaskTensor(parameter);
            }
            masker.MaskGradients = false;
        }
    }

    public override void SaveState(IDictionary<string, object> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state["is_initialized"] = _isInitialized;
        state["is_last_epoch"] = _isLastEpoch;
        if (Pruner is IStateful stateful)
        {
            var prunerState = new Dictionary<string, object>(StringComparer.Ordinal);
            stateful.SaveState(prunerState);
            foreach (var (key, value) in prunerState)
                state["pruner/" + key] = value;
        }
    }

    public override void LoadState(IReadOnlyDictionary<string, object> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _isInitialized = state.TryGetValue("is_initialized", out var init) && (bool)init;
        _isLastEpoch = state.TryGetValue("is_last_epoch", out var last) && (bool)last;
        if (Pruner is IStateful stateful)
            stateful.LoadState(state
                .Where(kv => kv.Key.StartsWith("pruner/", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key["pruner/".Length..], kv => kv.Value, StringComparer.Ordinal));
    }

    private void SetMask(string name, Tensor parameter, MaskDictionary masks, PruningMeta meta)
    {
        if (_folding?.Fold(name) is { } folded)
        {
            using (folded)
                Pruner.SetParameterMask(folded, name, masks, meta);
            return;
        }
        Pruner.SetParameterMask(parameter, name, masks, meta);
    }

    private PolicySchedule RequireSchedule(EpochContext context) =>
        context.Schedule ?? throw new InvalidOperationException(
            $"PruningPolicy '{Name}' needs its schedule (starting/ending epoch, frequency): add it to a CompressionScheduler " +
            "or pass a context with Schedule set.");

    private static PruningMeta Meta(EpochContext context, PolicySchedule schedule) =>
        new(context.Epoch, schedule.StartingEpoch, schedule.EndingEpoch, schedule.Frequency ?? 0, context.Model);

    private static void Validate(IPruner pruner, PruningPolicyOptions options)
    {
        if (options.MaskGradients && !options.MaskOnForwardOnly)
            throw new ArgumentException(
                "mask_gradients requires mask_on_forward_only: true (Distiller: \"mask_gradients and (not mask_on_forward_only) are mutually exclusive\").",
                nameof(options));
        if (options.MiniBatchPruningFrequency < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MiniBatchPruningFrequency,
                "mini_batch_pruning_frequency must be 0 (prune once per epoch) or a positive number of minibatches.");
        if (options.Levels is not null)
        {
            if (pruner is not ILevelsPruner)
                throw new ArgumentException(
                    $"levels applies only to pruners with sparsity levels (e.g. SparsityLevelParameterPruner); '{pruner.Name}' is a {pruner.GetType().Name}.",
                    nameof(options));
            var bad = options.Levels.Where(kv => !(kv.Value >= 0 && kv.Value <= 1)).ToArray();
            if (options.Levels.Count == 0 || bad.Length > 0)
                throw new ArgumentOutOfRangeException(nameof(options),
                    $"levels must map parameter names (or '*') to sparsities in [0, 1]; invalid: {string.Join(", ", bad.Select(kv => $"'{kv.Key}': {kv.Value}"))}.");
        }
        if (options.FoldBatchNorm && (options.InputShape is null || options.InputShape.Length == 0))
            throw new ArgumentException(
                "fold_batchnorm needs InputShape (the model's input shape, Distiller's model.input_shape) to find Conv2d → BatchNorm2d pairs.",
                nameof(options));
    }
}
