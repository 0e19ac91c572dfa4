using Distiller.Typed.Masks;
using Distiller.Typed.Thresholding;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Regularization;

/// <summary>
/// L1 (lasso) regularization, as Distiller's <c>L1Regularizer</c>: for each parameter W in <c>reg_regims</c>
/// with strength λ,
/// <code>
/// loss += λ · ‖W‖₁ = λ · Σ|wᵢ|          ∂/∂wᵢ = λ · sign(wᵢ)
/// </code>
/// Tibshirani, "Regression shrinkage and selection via the lasso", J. R. Stat. Soc. B 58 (1996).
/// With a <c>threshold_criteria</c> (any value; Distiller ignores which), <see cref="Threshold"/> sets the
/// element-wise mask <c>|wᵢ| &gt; λ</c> (elements at or under λ become zeros) and marks it a regularization mask.
/// </summary>
public sealed class L1Regularizer : IRegularizer
{
    public const string ClassName = "L1Regularizer";

    private readonly Dictionary<string, double> _strengths;

    /// <param name="name">The schedule's instance name.</param>
    /// <param name="model">The model; every name in <paramref name="regRegims"/> must be one of its parameters.</param>
    /// <param name="regRegims">Parameter name → λ (Distiller's <c>reg_regims</c>).</param>
    /// <param name="thresholdCriteria">Null for no thresholding; otherwise one of Distiller's criteria.</param>
    public L1Regularizer(string name, nn.Module model, IReadOnlyDictionary<string, double> regRegims, string? thresholdCriteria = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, nameof(name));
        ArgumentNullException.ThrowIfNull(regRegims, "reg_regims");
        var owner = $"{ClassName} '{name}'";
        if (regRegims.Count == 0)
            throw new ArgumentException($"{owner}: reg_regims is empty; name at least one parameter.", "reg_regims");
        var shapes = RegularizedParameters.ShapesOf(model, owner);
        foreach (var (parameter, strength) in regRegims)
        {
            RegularizedParameters.RequireParameter(shapes, parameter, owner);
            RegularizedParameters.RequireNonNegative(strength, parameter, owner);
        }
        Name = name;
        ThresholdCriterion = ThresholdCriteria.ParseOptional(thresholdCriteria, owner);
        _strengths = new Dictionary<string, double>(regRegims, StringComparer.Ordinal);
    }

    public string Name { get; }

    public ThresholdCriterion? ThresholdCriterion { get; }

    /// <summary>False without <c>threshold_criteria</c>: the policy then never turns groups into masks.</summary>
    public bool HasThresholdCriteria => ThresholdCriterion is not null;

    public IReadOnlyDictionary<string, double> RegRegims => _strengths;

    public IReadOnlyCollection<string> ParameterNames => _strengths.Keys;

    public Tensor Loss(Tensor parameter, string parameterName, Tensor regularizationLoss, MaskDictionary masks)
    {
        if (!_strengths.TryGetValue(parameterName, out var strength))
            return regularizationLoss;
        using var scope = NewDisposeScope();
        // abs().sum() rather than linalg.vector_norm(w, 1): TorchSharp 0.107's vector_norm turns `ord` into a native Scalar
        // that the GC can finalize while libtorch still reads it ("Unknown scalar type", seen once in CI). The strength's
        // Scalar is held for the whole expression for the same reason.
        using var factor = strength.ToScalar();
        return regularizationLoss.add(parameter.abs().sum().mul(factor)).MoveToOuterDisposeScope();
    }

    public void Threshold(Tensor parameter, string parameterName, MaskDictionary masks)
    {
        if (ThresholdCriterion is null || !_strengths.TryGetValue(parameterName, out var strength))
            return;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var mask = parameter.detach().abs().gt(strength).to_type(parameter.dtype).MoveToOuterDisposeScope();
        masks[parameterName].Mask = mask;
        masks[parameterName].IsRegularizationMask = true;
    }
}
