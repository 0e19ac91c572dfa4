using Distiller.Typed.Schedules;
using static Distiller.Typed.Catalogue.CommonParameters;

namespace Distiller.Typed.Catalogue;

/// <summary>Distiller's pruners (distiller/pruning/*.py), with the arguments their constructors take from YAML.</summary>
internal static class PrunerCatalogue
{
    private const ScheduleSection Section = ScheduleSection.Pruners;

    // Declared before All: static initializers run in text order.
    private static readonly ParameterDescriptor Noise = new(
        "noise", ParameterType.Float, "Standard deviation of noise added to the ranking (0: none).", Default: "0.0", Range: ValueRange.AtLeast(0));

    private static readonly ParameterDescriptor GroupSize = new(
        "group_size", ParameterType.Int, "Prune structures in multiples of this many.", Default: "1", Range: ValueRange.AtLeast(1));

    public static EquatableArray<ComponentDescriptor> All { get; } = EquatableArray.Create(
        new ComponentDescriptor("MagnitudeParameterPruner", Section,
            "Masks every weight whose magnitude is at most the parameter's threshold (a '*' default threshold is mandatory).",
            EquatableArray.Create(new ParameterDescriptor("thresholds", ParameterType.FloatMap,
                "Magnitude threshold per parameter; the key '*' is the default and must be present.",
                Required: true, Range: ValueRange.AtLeast(0), NameKind: NameKind.ParameterNameMap, AcceptsDefaultKey: true)),
            Source: "distiller/pruning/magnitude_pruner.py"),

        new ComponentDescriptor("SparsityLevelParameterPruner", Section,
            "Prunes each parameter to an exact sparsity level by masking its smallest-magnitude weights.",
            EquatableArray.Create(new ParameterDescriptor("levels", ParameterType.FloatMap,
                "Sparsity level per parameter; '*' is the default for parameters not listed.",
                Required: true, Range: ValueRange.Sparsity, NameKind: NameKind.ParameterNameMap, AcceptsDefaultKey: true)),
            Source: "distiller/pruning/level_pruner.py"),

        new ComponentDescriptor("SensitivityPruner", Section,
            "Masks weights below sensitivity × std(weights) (Han et al., 'Learning both Weights and Connections', arXiv:1506.02626).",
            EquatableArray.Create(Sensitivities()),
            Source: "distiller/pruning/sensitivity_pruner.py"),

        new ComponentDescriptor("SplicingPruner", Section,
            "Dynamic Network Surgery: with t = mean|w| + s × std|w|, masks weights below low_thresh_mult × t and restores those at or above hi_thresh_mult × t (Guo et al., arXiv:1608.04493).",
            EquatableArray.Create(
                Sensitivities(),
                new ParameterDescriptor("low_thresh_mult", ParameterType.Float, "Multiplier of the threshold below which weights are pruned.", Required: true, Range: ValueRange.AtLeast(0)),
                new ParameterDescriptor("hi_thresh_mult", ParameterType.Float, "Multiplier of the threshold above which pruned weights are spliced back.", Required: true, Range: ValueRange.AtLeast(0)),
                new ParameterDescriptor("sensitivity_multiplier", ParameterType.Float, "Grows the sensitivity linearly: s × ((epoch − starting_epoch) × multiplier + 1); 0 keeps it constant.", Default: "0", Range: ValueRange.AtLeast(0))),
            Source: "distiller/pruning/splicing_pruner.py"),

        new ComponentDescriptor("AutomatedGradualPruner", Section,
            "Fine-grained magnitude pruning along the AGP schedule s_t = s_f + (s_i − s_f)(1 − (t − t0)/span)^3 (Zhu & Gupta, arXiv:1710.01878).",
            EquatableArray.Create(InitialSparsity, FinalSparsity, Weights),
            UsesAgpSchedule: true, Source: "distiller/pruning/automated_gradual_pruner.py"),

        Ranked("L1RankedStructureParameterPruner", "Ranks structures by mean L1 norm and prunes the lowest desired_sparsity fraction."),
        Ranked("L2RankedStructureParameterPruner", "Ranks structures by mean L2 norm and prunes the lowest desired_sparsity fraction."),
        RankedAgp("L1RankedStructureParameterPruner_AGP", "L1-ranked structure pruning with the AGP sparsity schedule."),
        RankedAgp("L2RankedStructureParameterPruner_AGP", "L2-ranked structure pruning with the AGP sparsity schedule."),

        Filter("ActivationAPoZRankedFilterPruner", "Ranks filters by the average percentage of zeros of their output channels (Hu et al., arXiv:1607.03250)."),
        Filter("ActivationMeanRankedFilterPruner", "Ranks filters by the mean value of their output channels (Molchanov et al., arXiv:1611.06440)."),
        Filter("GradientRankedFilterPruner", "Ranks filters by the product of their weights and gradients."),
        Filter("RandomRankedFilterPruner", "Ranks filters randomly (a sanity baseline)."),
        Filter("BernoulliFilterPruner", "Drops each filter with a Bernoulli probability (as in DropFilter)."),
        FilterAgp("ActivationAPoZRankedFilterPruner_AGP", "APoZ-ranked filter pruning with the AGP sparsity schedule."),
        FilterAgp("ActivationMeanRankedFilterPruner_AGP", "Activation-mean-ranked filter pruning with the AGP sparsity schedule."),
        FilterAgp("GradientRankedFilterPruner_AGP", "Gradient-ranked filter pruning with the AGP sparsity schedule."),
        FilterAgp("RandomRankedFilterPruner_AGP", "Randomly ranked filter pruning with the AGP sparsity schedule."),
        FilterAgp("BernoulliFilterPruner_AGP", "Bernoulli filter dropping with the AGP sparsity schedule."),

        new ComponentDescriptor("RandomLevelStructureParameterPruner", Section,
            "L1-ranked structure pruning to a sparsity level drawn uniformly from sparsity_range at each pruning step.",
            EquatableArray.Create(
                GroupType(RankedGroupTypes),
                new ParameterDescriptor("sparsity_range", ParameterType.FloatList, "[low, high]: the range the sparsity level is drawn from.",
                    Required: true, Range: ValueRange.Sparsity),
                Weights, GroupDependency, RankedKwargs),
            Source: "distiller/pruning/ranked_structures_pruner.py"),

        new ComponentDescriptor("BaiduRNNPruner", Section,
            "Element-wise RNN pruning with a threshold ramped per epoch (Narang et al., 'Exploring Sparsity in Recurrent Neural Networks', arXiv:1704.05119).",
            EquatableArray.Create(
                new ParameterDescriptor("q", ParameterType.Float, "The paper's q: the threshold reached at the end of pruning.", Required: true, Range: ValueRange.AtLeast(0)),
                new ParameterDescriptor("ramp_epoch_offset", ParameterType.Int, "Epochs after starting_epoch before the slope ramps up.", Required: true, Range: ValueRange.AtLeast(0)),
                new ParameterDescriptor("ramp_slope_mult", ParameterType.Float, "Ramp slope as a multiple of the start slope.", Required: true, Range: ValueRange.AtLeast(0)),
                Weights),
            Source: "distiller/pruning/baidu_rnn_pruner.py"),

        new ComponentDescriptor("StructureParameterPruner", Section,
            "Prunes every structure whose norm (by threshold_criteria) is below the parameter's threshold.",
            EquatableArray.Create(
                new ParameterDescriptor("reg_regims", ParameterType.FloatGroupMap, "[threshold, group_type] per parameter.",
                    Required: true, AllowedValues: ThresholdGroupTypes, Range: ValueRange.AtLeast(0), NameKind: NameKind.ParameterNameMap),
                new ParameterDescriptor("threshold_criteria", ParameterType.String, "How a structure's magnitude is measured.",
                    Required: true, AllowedValues: GroupThresholdCriteria)),
            Source: "distiller/pruning/structure_pruner.py"));

    private static ParameterDescriptor Sensitivities() => new(
        "sensitivities", ParameterType.FloatMap, "Sensitivity s per parameter: the threshold is s × std(weights); '*' is the default.",
        Required: true, Range: ValueRange.AtLeast(0), NameKind: NameKind.ParameterNameMap, AcceptsDefaultKey: true);

    private static ComponentDescriptor Ranked(string name, string summary) => new(name, Section, summary,
        EquatableArray.Create(GroupType(RankedGroupTypes), DesiredSparsity, Weights, GroupDependency, RankedKwargs, Noise, GroupSize),
        Source: "distiller/pruning/ranked_structures_pruner.py");

    private static ComponentDescriptor RankedAgp(string name, string summary) => new(name, Section, summary,
        EquatableArray.Create(InitialSparsity, FinalSparsity, GroupType(RankedGroupTypes), Weights, GroupDependency, RankedKwargs),
        UsesAgpSchedule: true, Source: "distiller/pruning/automated_gradual_pruner.py");

    private static ComponentDescriptor Filter(string name, string summary) => new(name, Section, summary,
        EquatableArray.Create(GroupType(FilterGroupTypes), DesiredSparsity, Weights, GroupDependency),
        Source: "distiller/pruning/ranked_structures_pruner.py");

    private static ComponentDescriptor FilterAgp(string name, string summary) => new(name, Section, summary,
        EquatableArray.Create(InitialSparsity, FinalSparsity, GroupType(FilterGroupTypes), Weights, GroupDependency),
        UsesAgpSchedule: true, Source: "distiller/pruning/automated_gradual_pruner.py");
}
