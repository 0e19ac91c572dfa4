namespace Distiller.Typed.Thresholding;

/// <summary>
/// How a group's magnitude is measured before it is compared with a threshold (Distiller's <c>threshold_criteria</c>).
/// A group whose magnitude is at or under the threshold becomes zeros in the mask.
/// </summary>
public enum ThresholdCriterion
{
    /// <summary><c>Mean_Abs</c>: ‖g‖₁ / |g|, the mean of the absolute values.</summary>
    MeanAbs,

    /// <summary><c>Max</c>: max |gᵢ|.</summary>
    Max,

    /// <summary><c>Mean_L1</c>: ‖g‖₁ / |g| (the same number as <c>Mean_Abs</c>).</summary>
    MeanL1,

    /// <summary><c>Mean_L2</c>: ‖g‖₂ / |g| (Distiller divides the L2 norm by the element count).</summary>
    MeanL2,

    /// <summary><c>L1</c>: ‖g‖₁.</summary>
    L1,

    /// <summary><c>L2</c>: ‖g‖₂.</summary>
    L2,
}
