using Distiller.Typed.Schedules;

namespace Distiller.Typed.Catalogue;

/// <summary>
/// What a policy's <c>args:</c> may hold, per section: PruningPolicy's <c>pruner_args</c> and RegularizationPolicy's
/// keyword arguments (distiller/policy.py). Quantization, LR and extension policies take none.
/// </summary>
internal static class PolicyArgumentCatalogue
{
    public static EquatableArray<ParameterDescriptor> Pruning { get; } = EquatableArray.Create(
        new ParameterDescriptor("levels", ParameterType.FloatMap,
            "Sparsity level per parameter handed to the pruner in place of its own; '*' is the default.",
            Nullable: true, Default: "null", Range: ValueRange.Sparsity, NameKind: NameKind.ParameterNameMap, AcceptsDefaultKey: true),
        new ParameterDescriptor("keep_mask", ParameterType.Bool, "After the policy's last epoch, keep applying the masks.", Default: "false"),
        new ParameterDescriptor("mini_batch_pruning_frequency", ParameterType.Int,
            "Re-compute the masks every this many minibatches (0: only at epoch start); schedule the policy every epoch then.",
            Default: "0", Range: ValueRange.AtLeast(0)),
        new ParameterDescriptor("mask_on_forward_only", ParameterType.Bool,
            "Mask weights only before the forward pass, not again after the optimizer step.", Default: "false"),
        new ParameterDescriptor("mask_gradients", ParameterType.Bool,
            "Mask the gradients in the backward pass; requires mask_on_forward_only: true.", Default: "false"),
        new ParameterDescriptor("use_double_copies", ParameterType.Bool,
            "Forward with masked weights, but update the unmasked copy.", Default: "false"),
        new ParameterDescriptor("discard_masks_at_minibatch_end", ParameterType.Bool,
            "Drop the masks at the end of each minibatch (for dynamic masks re-computed each step).", Default: "false"),
        new ParameterDescriptor("skip_first_minibatch", ParameterType.Bool, "Do not prune in the epoch's first minibatch.", Default: "false"),
        new ParameterDescriptor("fold_batchnorm", ParameterType.Bool,
            "Rank Conv2d weights after folding the following BatchNorm's scale into them.", Default: "false"));

    public static EquatableArray<ParameterDescriptor> Regularization { get; } = EquatableArray.Create(
        new ParameterDescriptor("keep_mask", ParameterType.Bool,
            "After the policy's last epoch, keep the thresholding masks the regularizer made.", Default: "false"));

    public static EquatableArray<ParameterDescriptor> For(ScheduleSection section) => section switch
    {
        ScheduleSection.Pruners => Pruning,
        ScheduleSection.Regularizers => Regularization,
        _ => EquatableArray<ParameterDescriptor>.Empty,
    };
}
