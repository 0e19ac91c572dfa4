namespace Distiller.Typed.Thresholding;

/// <summary>Parses Distiller's <c>threshold_criteria</c> strings.</summary>
public static class ThresholdCriteria
{
    private static readonly (string Name, ThresholdCriterion Criterion)[] Spellings =
    [
        ("Mean_Abs", ThresholdCriterion.MeanAbs),
        ("Max", ThresholdCriterion.Max),
        ("Mean_L1", ThresholdCriterion.MeanL1),
        ("Mean_L2", ThresholdCriterion.MeanL2),
        ("L1", ThresholdCriterion.L1),
        ("L2", ThresholdCriterion.L2),
    ];

    /// <summary>The schedule spelling of <paramref name="criterion"/>.</summary>
    public static string NameOf(ThresholdCriterion criterion) => Spellings.First(s => s.Criterion == criterion).Name;

    /// <summary>Parses <paramref name="thresholdCriteria"/>; the exception names <paramref name="owner"/> and lists the valid values.</summary>
    public static ThresholdCriterion Parse(string? thresholdCriteria, string owner)
    {
        foreach (var (name, criterion) in Spellings)
            if (string.Equals(name, thresholdCriteria, StringComparison.Ordinal))
                return criterion;
        throw new ArgumentException(
            $"{owner}: threshold_criteria '{thresholdCriteria}' is not supported; valid criteria are " +
            $"{string.Join(", ", Spellings.Select(s => $"'{s.Name}'"))}.",
            "threshold_criteria");
    }

    /// <summary>Parses an optional criterion: null stays null (no thresholding).</summary>
    public static ThresholdCriterion? ParseOptional(string? thresholdCriteria, string owner) =>
        thresholdCriteria is null ? null : Parse(thresholdCriteria, owner);

    /// <summary>The norm a criterion measures with.</summary>
    public static GroupNorm NormOf(ThresholdCriterion criterion) => criterion switch
    {
        ThresholdCriterion.MeanAbs or ThresholdCriterion.MeanL1 or ThresholdCriterion.L1 => GroupNorm.L1,
        ThresholdCriterion.MeanL2 or ThresholdCriterion.L2 => GroupNorm.L2,
        ThresholdCriterion.Max => GroupNorm.Max,
        _ => throw new ArgumentOutOfRangeException(nameof(criterion), criterion, null),
    };

    /// <summary>True for the <c>Mean_*</c> criteria, whose norm is divided by the group's element count.</summary>
    public static bool IsLengthNormalized(ThresholdCriterion criterion) =>
        criterion is ThresholdCriterion.MeanAbs or ThresholdCriterion.MeanL1 or ThresholdCriterion.MeanL2;
}
