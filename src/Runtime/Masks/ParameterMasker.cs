using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Masks;

/// <summary>
/// One parameter's pruning mask, as Distiller's <c>ParameterMasker</c>: a float tensor of the parameter's shape
/// on the parameter's device (1 keeps, 0 prunes), applied in place by multiplication. When the model moves to another
/// device or dtype after the mask was made, the mask moves with it the next time it is applied.
/// </summary>
public sealed class ParameterMasker : IDisposable
{
    private Tensor? _mask;

    public ParameterMasker(string parameterName) => ParameterName = parameterName;

    public string ParameterName { get; }

    /// <summary>The mask, or null when the parameter is not masked. Setting it takes ownership of the tensor.</summary>
    public Tensor? Mask
    {
        get => _mask;
        set
        {
            if (ReferenceEquals(_mask, value))
                return;
            _mask?.Dispose();
            _mask = value?.DetachFromDisposeScope();
        }
    }

    /// <summary>True when the mask was set by a regularizer's thresholding rather than by a pruner.</summary>
    public bool IsRegularizationMask { get; set; }

    /// <summary>
    /// Mask only before the forward pass: the scheduler does not re-apply this mask after the optimizer step, so
    /// the step may move pruned weights until the next minibatch masks them again (<c>mask_on_forward_only</c>).
    /// </summary>
    public bool MaskOnForwardOnly { get; set; }

    /// <summary>
    /// The scheduler multiplies this parameter's gradient by the mask before the optimizer step
    /// (<c>mask_gradients</c>; Distiller registers a backward hook).
    /// </summary>
    public bool MaskGradients { get; set; }

    /// <summary>
    /// <see cref="ApplyMask"/> keeps a dense copy of the weights, restored by <see cref="RestoreUnmasked"/> before the
    /// optimizer step, so the step updates the dense weights with gradients of the masked ones (<c>use_double_copies</c>).
    /// </summary>
    public bool UseDoubleCopies { get; set; }

    /// <summary>The dense copy kept when <see cref="UseDoubleCopies"/> is set; owned by this masker.</summary>
    public Tensor? UnmaskedCopy { get; set; }

    /// <summary>
    /// Multiplies <paramref name="parameter"/> by the mask in place (Distiller's <c>apply_mask</c>): keeps a dense
    /// copy first when <see cref="UseDoubleCopies"/> is set, and drops a regularization mask once it was applied.
    /// Does nothing without a mask.
    /// </summary>
    public void ApplyMask(Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (_mask is null)
            return;
        using var noGrad = no_grad();
        if (UseDoubleCopies)
        {
            UnmaskedCopy?.Dispose();
            using var scope = NewDisposeScope();
            UnmaskedCopy = parameter.detach().clone().DetachFromDisposeScope();
        }
        Multiply(parameter);
        if (IsRegularizationMask)
            Mask = null;
    }

    /// <summary>Multiplies <paramref name="tensor"/> (e.g. a gradient) by the mask in place.</summary>
    public void MaskTensor(Tensor? tensor)
    {
        if (_mask is null || tensor is null)
            return;
        using var noGrad = no_grad();
        Multiply(tensor);
    }

    private void Multiply(Tensor tensor)
    {
        // The model moved (model.to(device or dtype) after the mask was made): the mask follows, once.
        if (_mask!.device_type != tensor.device_type || _mask.device_index != tensor.device_index || _mask.dtype != tensor.dtype && tensor.is_floating_point())
            Mask = _mask.to(tensor.dtype, tensor.device);
        try
        {
            tensor.mul_(_mask!);
        }
        catch (System.Runtime.InteropServices.ExternalException e)
        {
            throw new InvalidOperationException(
                $"The mask of '{ParameterName}' has shape [{string.Join(", ", _mask!.shape)}] and cannot mask a tensor of shape " +
                $"[{string.Join(", ", tensor.shape)}] ({tensor.dtype} on {tensor.device}); a mask has its parameter's shape.", e);
        }
    }

    /// <summary>
    /// Restores the dense copy saved by <see cref="ApplyMask"/> when double copies are used (Distiller's
    /// <c>revert_weights</c>).
    /// </summary>
    public void RestoreUnmasked(Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (!UseDoubleCopies || UnmaskedCopy is null)
            return;
        using var noGrad = no_grad();
        parameter.copy_(UnmaskedCopy);
        UnmaskedCopy.Dispose();
        UnmaskedCopy = null;
    }

    public void Dispose()
    {
        _mask?.Dispose();
        _mask = null;
        UnmaskedCopy?.Dispose();
        UnmaskedCopy = null;
    }
}
