using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization;

/// <summary>
/// The computation of a layer with weights (Conv1d/2d/3d, Linear, Embedding) as a function of an explicit weight and
/// bias, so a quantized or float-copy wrapper can run the same layer with other weight values.
/// </summary>
public sealed class ParamLayerOp
{
    private readonly Func<Tensor, Tensor, Tensor?, Tensor> _forward;

    private ParamLayerOp(string kind, Parameter weight, Parameter? bias, Func<Tensor, Tensor, Tensor?, Tensor> forward)
    {
        Kind = kind;
        Weight = weight;
        Bias = bias;
        _forward = forward;
    }

    /// <summary>Conv1d, Conv2d, Conv3d, Linear or Embedding.</summary>
    public string Kind { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }
    public bool IsEmbedding => Kind == nameof(Embedding);

    /// <summary>Runs the layer on <paramref name="input"/> with the given weight and bias.</summary>
    public Tensor Forward(Tensor input, Tensor weight, Tensor? bias) => _forward(input, weight, bias);

    /// <summary>Whether <paramref name="module"/> is a layer type whose weights Distiller quantizes.</summary>
    public static bool Supports(nn.Module module) => module is Conv1d or Conv2d or Conv3d or Linear or Embedding;

    public static ParamLayerOp For(nn.Module module, string name)
    {
        switch (module)
        {
            case Linear l:
                return new(nameof(Linear), l.weight!, l.bias, (x, w, b) => nn.functional.linear(x, w, b));
            case Embedding e:
                return new(nameof(Embedding), e.weight!, null, (x, w, _) =>
                {
                    var flat = w.index_select(0, x.flatten().to(ScalarType.Int64));
                    return flat.reshape(x.shape.Append(w.shape[1]).ToArray());
                });
            case Convolution c when c is Conv1d or Conv2d or Conv3d:
                if (c.padding_mode != PaddingModes.Zeros)
                    throw new NotSupportedException($"Module '{name}': quantization supports zero padding only, got padding_mode={c.padding_mode}.");
                if (c.padding_type is not null && c.padding_type != Padding.Valid)
                    throw new NotSupportedException($"Module '{name}': quantization needs explicit padding sizes, got padding={c.padding_type}.");
                var padding = c.padding_type == Padding.Valid ? new long[c.kernel_size.Length] : c.padding!;
                var stride = c.stride;
                var dilation = c.dilation;
                long groups = c.groups;
                Func<Tensor, Tensor, Tensor?, Tensor> f = c switch
                {
                    Conv1d => (x, w, b) => nn.functional.conv1d(x, w, b, stride[0], padding[0], dilation[0], groups),
                    Conv2d => (x, w, b) => nn.functional.conv2d(x, w, b, stride, padding, dilation, groups),
                    _ => (x, w, b) => nn.functional.conv3d(x, w, b, stride, padding, dilation, groups),
                };
                return new(c.GetType().Name, c.weight!, c.bias, f);
            default:
                throw new ArgumentException(
                    $"Module '{name}' is a {module.GetType().Name}; weights can be quantized only in Conv1d, Conv2d, Conv3d, Linear and Embedding.",
                    nameof(module));
        }
    }
}
