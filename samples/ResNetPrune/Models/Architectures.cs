using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Models;

/// <summary>The <c>--arch</c> names and the models they build (Distiller's <c>create_model</c>).</summary>
public static class Architectures
{
    private static readonly Dictionary<string, Func<nn.Module<Tensor, Tensor>>> Factories = new(StringComparer.Ordinal)
    {
        ["resnet20_narrow"] = () => new ResNet20Narrow(),
        ["resnet20"] = () => new ResNet20(),
        ["resnet32"] = () => new ResNet32(),
        ["resnet56"] = () => new ResNet56(),
    };

    public const string Default = "resnet20_narrow";

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    /// <summary>Builds <paramref name="arch"/> with freshly initialised weights.</summary>
    public static nn.Module<Tensor, Tensor> Create(string arch) =>
        Factories.TryGetValue(arch, out var factory)
            ? factory()
            : throw new ArgumentException(
                $"Unknown architecture '{arch}'. Valid values for --arch: {string.Join(", ", Names)}.", nameof(arch));
}
