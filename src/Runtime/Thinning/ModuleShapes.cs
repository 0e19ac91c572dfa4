using System.Reflection;
using TorchSharp;
using TorchSharp.Modules;

namespace Distiller.Typed.Thinning;

/// <summary>
/// Brings a layer's size attributes (<c>in_channels</c>, <c>out_channels</c>, <c>num_features</c>, <c>in_features</c>,
/// <c>out_features</c>) in line with its tensors after they changed shape — Distiller's module directives. TorchSharp
/// checks <c>in_channels</c> on every convolution call and has no setter for it, so it is set through its backing field.
/// </summary>
internal static class ModuleShapes
{
    private static readonly FieldInfo ConvIn = BackingField(typeof(Convolution), nameof(Convolution.in_channels));
    private static readonly FieldInfo ConvOut = BackingField(typeof(Convolution), nameof(Convolution.out_channels));
    private static readonly PropertyInfo NormFeatures =
        typeof(NormBase).GetProperty(nameof(NormBase.num_features)) ?? throw new MissingMemberException(nameof(NormBase), nameof(NormBase.num_features));

    private static FieldInfo BackingField(Type type, string property) =>
        type.GetField($"<{property}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new MissingFieldException(type.FullName, property);

    /// <summary>Sets the module's size attributes from its weights (and running statistics).</summary>
    public static void Sync(torch.nn.Module module)
    {
        switch (module)
        {
            case Conv2d conv:
                ConvOut.SetValue(conv, conv.weight!.shape[0]);
                ConvIn.SetValue(conv, conv.weight.shape[1] * conv.groups);
                break;
            case NormBase norm:
                var features = norm.weight?.shape[0] ?? norm.running_mean?.shape[0];
                if (features is { } n)
                    NormFeatures.SetValue(norm, n);
                break;
            case Linear linear:
                linear.out_features = linear.weight!.shape[0];
                linear.in_features = linear.weight.shape[1];
                break;
        }
    }
}
