namespace Distiller.Typed.Policies;

/// <summary>
/// The <c>pruner_args</c> of a Distiller pruning policy (names in the doc comments are the YAML keys). Every
/// option defaults to Distiller's default.
/// </summary>
public sealed record PruningPolicyOptions
{
    /// <summary><c>levels</c>: replaces the pruner's sparsity levels at every epoch the policy runs (level pruners only).</summary>
    public IReadOnlyDictionary<string, double>? Levels { get; init; }

    /// <summary><c>keep_mask</c>: at the end of the last epoch, turn off forward-only masking and double copies and mask the weights for good.</summary>
    public bool KeepMask { get; init; }

    /// <summary><c>mini_batch_pruning_frequency</c>: also recompute masks every this many minibatches (0: once per epoch).</summary>
    public int MiniBatchPruningFrequency { get; init; }

    /// <summary><c>mask_on_forward_only</c>: mask at minibatch begin only; the optimizer step may move pruned weights.</summary>
    public bool MaskOnForwardOnly { get; init; }

    /// <summary><c>mask_gradients</c>: multiply gradients by the mask before the optimizer step (needs <see cref="MaskOnForwardOnly"/>).</summary>
    public bool MaskGradients { get; init; }

    /// <summary><c>use_double_copies</c>: the forward pass uses masked weights; the optimizer updates the dense copy.</summary>
    public bool UseDoubleCopies { get; init; }

    /// <summary><c>discard_masks_at_minibatch_end</c>: drop every mask at the end of each minibatch.</summary>
    public bool DiscardMasksAtMinibatchEnd { get; init; }

    /// <summary><c>skip_first_minibatch</c>: compute the first masks at the second minibatch instead of at epoch begin.</summary>
    public bool SkipFirstMinibatch { get; init; }

    /// <summary><c>fold_batchnorm</c>: rank Conv2d weights with the following BatchNorm2d folded in.</summary>
    public bool FoldBatchNorm { get; init; }

    /// <summary>
    /// The shape of one model input, traced to find Conv2d → BatchNorm2d pairs when <see cref="FoldBatchNorm"/> is
    /// set (Distiller's <c>model.input_shape</c>), e.g. <c>[1, 3, 32, 32]</c>.
    /// </summary>
    public long[]? InputShape { get; init; }
}
