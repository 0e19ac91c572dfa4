using Distiller.Typed.Schedules;
using static Distiller.Typed.Catalogue.CommonParameters;

namespace Distiller.Typed.Catalogue;

/// <summary>Distiller's regularizers (distiller/regularization/*.py).</summary>
internal static class RegularizerCatalogue
{
    private const ScheduleSection Section = ScheduleSection.Regularizers;

    public static EquatableArray<ComponentDescriptor> All { get; } = EquatableArray.Create(
        new ComponentDescriptor("L1Regularizer", Section,
            "Adds strength × Σ|w| to the loss for each listed parameter; with threshold_criteria set, also masks weights with |w| <= strength.",
            EquatableArray.Create(
                new ParameterDescriptor("reg_regims", ParameterType.FloatMap, "L1 strength (lambda) per parameter.",
                    Required: true, Range: ValueRange.AtLeast(0), NameKind: NameKind.ParameterNameMap),
                new ParameterDescriptor("threshold_criteria", ParameterType.String,
                    "When set, the regularizer also thresholds the weights at the end of training (the value only switches this on).",
                    Default: "null", Nullable: true, AllowedValues: ThresholdCriteria)),
            Source: "distiller/regularization/l1_regularizer.py"),

        new ComponentDescriptor("GroupLassoRegularizer", Section,
            "Adds strength × Σ_g ||w_g||_2 over the structures g of the group type (Yuan & Lin 2006, group lasso); with threshold_criteria set, also masks structures below the strength.",
            EquatableArray.Create(
                new ParameterDescriptor("reg_regims", ParameterType.FloatGroupMap, "[strength, group_type] per parameter.",
                    Required: true, AllowedValues: GroupLassoGroupTypes, Range: ValueRange.AtLeast(0), NameKind: NameKind.ParameterNameMap),
                new ParameterDescriptor("threshold_criteria", ParameterType.String, "How a structure's magnitude is measured when thresholding.",
                    Default: "null", Nullable: true, AllowedValues: GroupThresholdCriteria)),
            Source: "distiller/regularization/group_regularizer.py"),

        new ComponentDescriptor("GroupVarianceRegularizer", Section,
            "Adds strength / Var(channel L2 norms) to the loss (Torfi et al., 'Attention-Based Guided Structured Sparsity', arXiv:1802.09902).",
            EquatableArray.Create(
                new ParameterDescriptor("reg_regims", ParameterType.FloatGroupMap, "[strength, 'Channels'] per parameter.",
                    Required: true, AllowedValues: EquatableArray.Create("Channels"), Range: ValueRange.AtLeast(0), NameKind: NameKind.ParameterNameMap)),
            Source: "distiller/regularization/group_regularizer.py"));
}
