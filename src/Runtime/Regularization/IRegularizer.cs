using Distiller.Typed.Masks;
using static TorchSharp.torch;

namespace Distiller.Typed.Regularization;

/// <summary>
/// A regularizer: adds a penalty term to the loss for each parameter it governs, and can turn groups whose
/// norm fell to the threshold into masks (Distiller's <c>_Regularizer</c>).
/// </summary>
public interface IRegularizer
{
    string Name { get; }

    IReadOnlyCollection<string> ParameterNames { get; }

    /// <summary>Returns <paramref name="regularizationLoss"/> plus this parameter's penalty.</summary>
    Tensor Loss(Tensor parameter, string parameterName, Tensor regularizationLoss, MaskDictionary masks);

    /// <summary>
    /// False when the regularizer was given no threshold criterion, so it never makes masks: the
    /// RegularizationPolicy then skips its minibatch-end thresholding and masking, as Distiller does when
    /// <c>threshold_criteria</c> is None. Defaults to true (threshold and mask at every minibatch end).
    /// </summary>
    bool HasThresholdCriteria => true;

    /// <summary>Sets the mask of <paramref name="parameterName"/> from the threshold criterion, if one was given.</summary>
    void Threshold(Tensor parameter, string parameterName, MaskDictionary masks);
}
