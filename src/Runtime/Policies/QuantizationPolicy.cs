using Distiller.Typed.Quantization;
using static TorchSharp.torch;

namespace Distiller.Typed.Policies;

/// <summary>
/// Quantization-aware training driven by the schedule (Distiller's <c>QuantizationPolicy</c>): the model is prepared
/// when the policy is built (unless the quantizer already was) and its parameters quantized; after every optimizer
/// step (<see cref="OnMinibatchEnd"/>) the parameters are quantized again, so the model is quantized at the end of
/// training and whenever it is validated.
/// </summary>
public sealed class QuantizationPolicy : Policy
{
    public QuantizationPolicy(Quantizer quantizer, Tensor? dummyInput = null)
    {
        Quantizer = quantizer ?? throw new ArgumentNullException(nameof(quantizer));
        if (!quantizer.Prepared)
            quantizer.PrepareModel(dummyInput);
        quantizer.QuantizeParams();
    }

    private bool _checked;

    public Quantizer Quantizer { get; }

    public override string Name => $"QuantizationPolicy({Quantizer.GetType().Name})";

    public override void OnMinibatchEnd(MinibatchContext context)
    {
        if (!_checked)
        {
            Quantizer.CheckQuantizedModulesRan(); // after the first training step: a model that skips the hooks fails here, not silently
            _checked = true;
        }
        Quantizer.QuantizeParams();
    }
}
