namespace Distiller.Typed.Thresholding;

/// <summary>The magnitude function applied to each group (Distiller's <c>l1_norm</c>, <c>l2_norm</c>, <c>max_norm</c>).</summary>
public enum GroupNorm
{
    /// <summary>‖g‖₁ = Σ|gᵢ|.</summary>
    L1,

    /// <summary>‖g‖₂ = √Σgᵢ².</summary>
    L2,

    /// <summary>‖g‖∞ = max|gᵢ|.</summary>
    Max,
}
