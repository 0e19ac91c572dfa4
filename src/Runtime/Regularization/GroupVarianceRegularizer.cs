using Distiller.Typed.Thresholding;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Regularization;

/// <summary>
/// Group variance regularization, as Distiller's <c>GroupVarianceRegularizer</c> (group type <c>Channels</c> only):
/// with c_k = ‖W_{:,k}‖₂ = √(Σ w² + 1e-8) the L2 norm of input channel k and Var the unbiased sample variance
/// over the C channels,
/// <code>
/// loss += λ / Var(c₁ … c_C),       Var(c) = Σ_k (c_k − c̄)² / (C − 1)
/// </code>
/// Raising the spread of channel norms pushes weak channels toward zero. Torfi et al., "Attention-Based Guided
/// Structured Sparsity of Deep Neural Networks", ICLR 2018 workshop (arXiv:1802.09902).
/// Distiller builds it without a threshold criterion; one may be given here, thresholding channels at λ.
/// </summary>
public sealed class GroupVarianceRegularizer : GroupLassoRegularizer
{
    public new const string ClassName = "GroupVarianceRegularizer";

    /// <param name="name">The schedule's instance name.</param>
    /// <param name="model">The model; every parameter named in <paramref name="regRegims"/> must have 2, 3 or 4 dimensions.</param>
    /// <param name="regRegims">Parameter name → <c>[λ, 'Channels']</c>.</param>
    /// <param name="thresholdCriteria">Null (Distiller's only choice) or a criterion to threshold channels at λ.</param>
    public GroupVarianceRegularizer(string name, nn.Module model, IReadOnlyDictionary<string, GroupRegime> regRegims, string? thresholdCriteria = null)
        : base(ClassName, [GroupType.Channels], name, model, regRegims, thresholdCriteria)
    {
        foreach (var (parameter, _) in regRegims)
        {
            var shape = model.named_parameters().First(p => p.name == parameter).parameter.shape;
            if (shape[1] < 2)
                throw new ArgumentException(
                    $"{ClassName} '{name}': parameter '{parameter}' of shape {GroupTypes.FormatShape(shape)} has {shape[1]} channel; " +
                    "the variance of channel norms needs at least 2.", parameter);
        }
    }

    protected override Tensor Penalty(Tensor parameter, GroupType group, double strength) =>
        ChannelsL2(parameter).var().reciprocal().mul(strength);
}
