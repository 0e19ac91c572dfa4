using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization;

/// <summary>
/// A Conv/Linear/Embedding layer trained with a float copy of its weights (Distiller's <c>train_with_fp_copy</c>):
/// the trained parameter is <c>float_weight</c> (the very parameter object the optimizer already holds), the buffer
/// <c>weight</c> holds its quantized copy, and the forward pass uses the quantized values. While training, the
/// quantized weight is recomputed from <c>float_weight</c> in every forward pass through a straight-through
/// estimator, so gradients reach the float weight; in evaluation the buffer written by
/// <see cref="Quantizer.QuantizeParams"/> is used. The same holds for the bias when it is quantized
/// (<c>float_bias</c> / <c>bias</c>); otherwise <c>bias</c> stays a plain parameter.
/// </summary>
public sealed class FloatCopyQuantizedLayer : nn.Module<Tensor, Tensor>
{
    private readonly ParamLayerOp _op;
    private readonly Func<Tensor, string, Tensor> _quantize;
#pragma warning disable IDE1006 // field names are the parameter names Distiller users know
    private Parameter float_weight;
    private Tensor weight;
    private Parameter? float_bias;
    private Tensor? bias;
#pragma warning restore IDE1006

    /// <param name="original">The layer being replaced (its parameters are taken over).</param>
    /// <param name="name">Its module name, for errors.</param>
    /// <param name="quantizeBias">Whether the bias is quantized too.</param>
    /// <param name="quantize">Quantizes a float tensor given the attribute name it is for (<c>weight</c> or <c>bias</c>).</param>
    public FloatCopyQuantizedLayer(nn.Module original, string name, bool quantizeBias, Func<Tensor, string, Tensor> quantize)
        : base(original.GetType().Name)
    {
        _op = ParamLayerOp.For(original, name);
        _quantize = quantize;
        OriginalType = original.GetType();
        float_weight = _op.Weight;
        weight = float_weight.detach().clone();
        if (_op.Bias is not null)
        {
            if (quantizeBias)
            {
                float_bias = _op.Bias;
                bias = float_bias.detach().clone();
            }
            else
            {
                bias = _op.Bias;
            }
        }
        RegisterComponents();
        train(original.training);
    }

    /// <summary>The type of the layer this one replaced (Conv2d, Linear ...).</summary>
    public Type OriginalType { get; }

    public ParamLayerOp Op => _op;

    /// <summary>The trained float weight.</summary>
    public Parameter FloatWeight => float_weight;

    /// <summary>The quantized weight used in the forward pass.</summary>
    public Tensor QuantizedWeight => weight;

    public Parameter? FloatBias => float_bias;

    public Tensor? Bias => bias;

    /// <summary>The float tensor behind <paramref name="fpAttrName"/> (<c>float_weight</c>, <c>float_bias</c>).</summary>
    public Tensor GetFloat(string fpAttrName) => fpAttrName switch
    {
        "float_weight" => float_weight,
        "float_bias" when float_bias is not null => float_bias,
        _ => throw new ArgumentException($"{GetType().Name} has no float parameter '{fpAttrName}'.", nameof(fpAttrName)),
    };

    /// <summary>Writes <paramref name="value"/> into the quantized buffer <paramref name="qAttrName"/>.</summary>
    public void SetQuantized(string qAttrName, Tensor value)
    {
        using var noGrad = torch.no_grad();
        var target = qAttrName switch
        {
            "weight" => weight,
            "bias" when float_bias is not null => bias!,
            _ => throw new ArgumentException($"{GetType().Name} has no quantized buffer '{qAttrName}'.", nameof(qAttrName)),
        };
        target.copy_(value);
    }

    /// <summary>Creates or updates an extra buffer (e.g. <c>weight_scale</c>, <c>weight_zero_point</c> of range-based training).</summary>
    public void SetBuffer(string name, Tensor value)
    {
        using var noGrad = torch.no_grad();
        var existing = named_buffers(recurse: false).FirstOrDefault(b => b.name == name).buffer;
        if (existing is null)
            register_buffer(name, value.detach().clone());
        else if (existing.shape.SequenceEqual(value.shape))
            existing.copy_(value);
        else
            throw new ArgumentException($"Buffer '{name}' has shape [{string.Join(", ", existing.shape)}], cannot take [{string.Join(", ", value.shape)}].", nameof(value));
    }

    public override Tensor forward(Tensor input)
    {
        bool live = training && torch.is_grad_enabled();
        var w = live ? _quantize(float_weight, "weight") : weight;
        Tensor? b = float_bias is null ? bias : live ? _quantize(float_bias, "bias") : bias;
        return _op.Forward(input, w, b);
    }
}
