using Distiller.Typed.Schedules;

namespace Distiller.Typed.Catalogue;

/// <summary>Arguments several classes share, defined once so their names, types and ranges cannot drift apart.</summary>
internal static class CommonParameters
{
    /// <summary>Group types of the ranked structure pruners (distiller/pruning/ranked_structures_pruner.py).</summary>
    public static readonly EquatableArray<string> RankedGroupTypes = EquatableArray.Create("3D", "Filters", "Channels", "Rows", "Blocks");

    /// <summary>Group types of the filter-ranking pruners, which assert <c>group_type in ['3D', 'Filters']</c>.</summary>
    public static readonly EquatableArray<string> FilterGroupTypes = EquatableArray.Create("3D", "Filters");

    /// <summary>Group types GroupLassoRegularizer.loss understands (distiller/regularization/group_regularizer.py).</summary>
    public static readonly EquatableArray<string> GroupLassoGroupTypes =
        EquatableArray.Create("2D", "Rows", "Cols", "Rows+Cols", "Cols+Rows", "Channels", "Filters", "3D", "4D", "Channels+4D", "4D+Channels");

    /// <summary>Group types distiller.thresholding.group_threshold_mask accepts.</summary>
    public static readonly EquatableArray<string> ThresholdGroupTypes = EquatableArray.Create("2D", "Rows", "Cols", "3D", "Filters", "Channels");

    /// <summary>Criteria distiller.thresholding.group_threshold_binary_map understands.</summary>
    public static readonly EquatableArray<string> ThresholdCriteria = EquatableArray.Create("Mean_Abs", "Max", "Mean_L1", "Mean_L2", "L1", "L2");

    /// <summary>The criteria GroupLassoRegularizer and StructureParameterPruner assert: <c>Max</c> or <c>Mean_Abs</c>.</summary>
    public static readonly EquatableArray<string> GroupThresholdCriteria = EquatableArray.Create("Max", "Mean_Abs");

    public static readonly ParameterDescriptor Weights = new(
        "weights", ParameterType.StringList, "The parameters (weight tensors) this pruner prunes.",
        Required: true, NameKind: NameKind.ParameterNames);

    public static readonly ParameterDescriptor InitialSparsity = new(
        "initial_sparsity", ParameterType.Float, "Sparsity at the policy's starting epoch (AGP's s_i).",
        Required: true, Range: ValueRange.Sparsity);

    public static readonly ParameterDescriptor FinalSparsity = new(
        "final_sparsity", ParameterType.Float, "Sparsity reached at the end of the AGP span (AGP's s_f); must exceed initial_sparsity.",
        Required: true, Range: ValueRange.Sparsity);

    public static readonly ParameterDescriptor DesiredSparsity = new(
        "desired_sparsity", ParameterType.Float, "Fraction of the structures to prune.",
        Required: true, Range: ValueRange.Sparsity);

    public static ParameterDescriptor GroupType(EquatableArray<string> allowed) => new(
        "group_type", ParameterType.String, "The structure ranked and pruned as a whole.",
        Required: true, AllowedValues: allowed);

    public static readonly ParameterDescriptor GroupDependency = new(
        "group_dependency", ParameterType.String,
        "'Leader': prune every tensor in 'weights' with the structures chosen for the first (the leader); null: rank each tensor separately.",
        Default: "null", Nullable: true, AllowedValues: EquatableArray.Create("Leader"));

    public static readonly ParameterDescriptor RankedKwargs = new(
        "kwargs", ParameterType.Map, "Extra settings; group_type 'Blocks' needs 'block_shape'.",
        Default: "null", Nullable: true,
        EntryParameters: EquatableArray.Create(new ParameterDescriptor(
            "block_shape", ParameterType.IntList, "The block pruned as a whole, e.g. [1, 4, 1, 1].", Range: ValueRange.AtLeast(1))));

    // Quantizers (distiller/quantization/quantizer.py and its subclasses).
    public static ParameterDescriptor BitsActivations(string? defaultBits) => new(
        "bits_activations", ParameterType.Int, "Bits for activations; null: do not quantize activations.",
        Default: defaultBits, Nullable: true, Range: ValueRange.BitWidth);

    public static ParameterDescriptor BitsWeights(string? defaultBits) => new(
        "bits_weights", ParameterType.Int, "Bits for weights; null: do not quantize weights.",
        Default: defaultBits, Nullable: true, Range: ValueRange.BitWidth);

    public static ParameterDescriptor BitsBias(string? defaultBits) => new(
        "bits_bias", ParameterType.Int, "Bits for biases; null: do not quantize biases.",
        Default: defaultBits, Nullable: true, Range: ValueRange.BitWidth);

    /// <summary>
    /// The per-module settings every quantizer's overrides accept (the base Quantizer pops these three); an override
    /// that leaves one out inherits the quantizer's value.
    /// </summary>
    public static readonly EquatableArray<ParameterDescriptor> BaseOverrideEntries = EquatableArray.Create(
        BitsActivations(null), BitsWeights(null), BitsBias(null));

    public static ParameterDescriptor Overrides(EquatableArray<ParameterDescriptor> entries) => new(
        "overrides", ParameterType.OverrideMap,
        "Per-module settings keyed by module name or regular expression (matched as ^pattern$); the first matching key wins.",
        Default: "null", Nullable: true, NameKind: NameKind.ModuleOverrides, EntryParameters: entries);

    public static readonly EquatableArray<string> LinearQuantModes =
        EquatableArray.Create("SYMMETRIC", "SYMMETRIC_RESTRICTED", "ASYMMETRIC_UNSIGNED", "ASYMMETRIC_SIGNED");

    public static readonly EquatableArray<string> ClipModes = EquatableArray.Create("NONE", "AVG", "N_STD", "GAUSS", "LAPLACE");

    public static readonly ParameterDescriptor QuantMode = new(
        "mode", ParameterType.QuantMode, "Linear quantization mode (LinearQuantMode), for activations and weights together or each apart.",
        Default: "SYMMETRIC", AllowedValues: LinearQuantModes);
}
