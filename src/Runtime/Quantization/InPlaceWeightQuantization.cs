using System.Reflection;
using System.Runtime.CompilerServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization;

/// <summary>
/// Distiller's <c>train_with_fp_copy</c> without replacing the layer: the Conv/Linear/Embedding module keeps its place,
/// its name and its parameters — <c>weight</c> (and <c>bias</c>) stay the float tensors the optimizer trains. A
/// forward pre-hook computes <c>w_q = Q(w)</c> with the quantizer's function (straight-through where it rounds) and
/// points the layer's weight field at it for this call only; the forward hook points it back. So the layer computes
/// with quantized weights, gradients reach the float weight through <c>Q</c> exactly as through Distiller's
/// <c>float_weight → weight</c>, and <c>named_parameters()</c>, <c>state_dict()</c> and <c>to()</c> see only the float
/// parameters. Hooks run when the parent calls the layer with <c>call()</c> (as <c>Sequential</c> does).
/// </summary>
public static class InPlaceWeightQuantization
{
    private sealed class Attachment
    {
        public required FieldInfo WeightField;
        public FieldInfo? BiasField;
        public required Func<Tensor, string, Tensor> Quantize;
        public Parameter? QuantizedWeight;
        public Parameter? QuantizedBias;
        public long Calls;
    }

    private static readonly ConditionalWeakTable<nn.Module, Attachment> Attached = new();

    private static readonly MethodInfo ReplaceBufferMethod =
        typeof(nn.Module).GetMethod("ConditionallyRegisterBuffer", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new MissingMethodException("TorchSharp.nn.Module.ConditionallyRegisterBuffer");

    /// <summary>Whether <paramref name="layer"/> computes with quantized weights.</summary>
    public static bool IsAttached(nn.Module layer) => Attached.TryGetValue(layer, out _);

    /// <param name="layer">A Conv1d/2d/3d, Linear or Embedding.</param>
    /// <param name="name">Its module name, for errors.</param>
    /// <param name="quantizeBias">Whether the bias is quantized too.</param>
    /// <param name="quantize">Quantizes a float tensor given the attribute it is for (<c>weight</c> or <c>bias</c>).</param>
    public static void Attach(nn.Module layer, string name, bool quantizeBias, Func<Tensor, string, Tensor> quantize)
    {
        if (!ParamLayerOp.Supports(layer) || layer is not nn.Module<Tensor, Tensor> hookable)
            throw new ArgumentException($"Module '{name}' is a {layer.GetType().Name}; weights can be quantized only in Conv1d, Conv2d, Conv3d, Linear and Embedding.", nameof(layer));
        if (IsAttached(layer))
            throw new InvalidOperationException($"Module '{name}' already computes with quantized weights.");
        var attachment = new Attachment
        {
            WeightField = ParameterField(layer, "_weight", name),
            BiasField = quantizeBias ? ParameterField(layer, "_bias", name) : null,
            Quantize = quantize,
        };
        Attached.Add(layer, attachment);
        hookable.register_forward_pre_hook((m, input) =>
        {
            attachment.Calls++;
            Swap(m, attachment, "weight", attachment.WeightField, ref attachment.QuantizedWeight);
            if (attachment.BiasField is { } bf)
                Swap(m, attachment, "bias", bf, ref attachment.QuantizedBias);
            return input;
        });
        hookable.register_forward_hook((m, _, output) =>
        {
            Restore(m, "weight", attachment.WeightField, ref attachment.QuantizedWeight);
            if (attachment.BiasField is { } bf)
                Restore(m, "bias", bf, ref attachment.QuantizedBias);
            return output;
        });
    }

    /// <summary>How many times <paramref name="layer"/> was called (through <c>call()</c>) since it was attached.</summary>
    public static long Calls(nn.Module layer) => Attached.TryGetValue(layer, out var a) ? a.Calls : 0;

    /// <summary>The float parameter <paramref name="attr"/> registered in <paramref name="layer"/> (what the optimizer holds).</summary>
    public static Parameter FloatParameter(nn.Module layer, string attr) =>
        layer.named_parameters(recurse: false).FirstOrDefault(p => p.name == attr).parameter
        ?? throw new InvalidOperationException($"{layer.GetType().Name} has no parameter '{attr}'.");

    /// <summary>What the layer computes with: <c>Q(weight)</c> (or <c>Q(bias)</c>), without gradient.</summary>
    public static Tensor Quantized(nn.Module layer, string attr)
    {
        if (!Attached.TryGetValue(layer, out var a))
            throw new InvalidOperationException($"{layer.GetType().Name} does not compute with quantized weights.");
        using var noGrad = torch.no_grad();
        return a.Quantize(FloatParameter(layer, attr), attr);
    }

    /// <summary>
    /// Creates or updates a buffer of the layer (e.g. <c>weight_scale</c>, <c>weight_zero_point</c> of range-based
    /// training). TorchSharp's Conv and Linear move only their weight and bias in <c>to()</c>, so a buffer whose
    /// value now comes from another device or dtype (the model moved) is replaced rather than copied into.
    /// </summary>
    public static void SetBuffer(nn.Module layer, string name, Tensor value)
    {
        using var noGrad = torch.no_grad();
        var existing = layer.named_buffers(recurse: false).FirstOrDefault(b => b.name == name).buffer;
        if (existing is null)
            layer.register_buffer(name, value.detach().clone().DetachFromDisposeScope());
        else if (existing.device_type != value.device_type || existing.device_index != value.device_index || existing.dtype != value.dtype)
        {
            ReplaceBufferMethod.Invoke(layer, new object?[] { name, value.detach().clone().DetachFromDisposeScope(), true });
            existing.Dispose();
        }
        else if (existing.shape.SequenceEqual(value.shape))
            existing.copy_(value);
        else
            throw new ArgumentException($"Buffer '{name}' has shape [{string.Join(", ", existing.shape)}], cannot take [{string.Join(", ", value.shape)}].", nameof(value));
    }

    private static void Swap(nn.Module layer, Attachment a, string attr, FieldInfo field, ref Parameter? quantized)
    {
        var fp = FloatParameter(layer, attr);
        var q = a.Quantize(fp, attr);
        // A Parameter object around the computed tensor (the field's type): it keeps q's autograd history.
        quantized?.Dispose();
        quantized = new Parameter(q, requires_grad: q.requires_grad);
        quantized.DetachFromDisposeScope();
        field.SetValue(layer, quantized);
    }

    private static void Restore(nn.Module layer, string attr, FieldInfo field, ref Parameter? quantized)
    {
        field.SetValue(layer, FloatParameter(layer, attr));
        quantized?.Dispose();
        quantized = null;
    }

    private static FieldInfo ParameterField(nn.Module layer, string fieldName, string name)
    {
        for (var t = layer.GetType(); t is not null && t != typeof(object); t = t.BaseType)
            if (t.GetField(fieldName, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly) is { } f && f.FieldType == typeof(Parameter))
                return f;
        throw new NotSupportedException(
            $"Module '{name}' ({layer.GetType().Name}): this TorchSharp version keeps no '{fieldName}' field to compute with quantized values.");
    }
}
