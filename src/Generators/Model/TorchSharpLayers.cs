using System.Collections.Generic;

namespace Distiller.Typed.Generators.Model;

/// <summary>
/// The parameters each TorchSharp layer type (namespace <c>TorchSharp.Modules</c>) owns, as
/// <c>named_parameters()</c> lists them, with their ranks. A layer type not listed here is treated as unknown:
/// names below it are never reported.
/// </summary>
internal static class TorchSharpLayers
{
    /// <summary>One parameter of a layer; <paramref name="SwitchArguments"/> name the factory's boolean arguments
    /// (<c>bias</c>, <c>hasBias</c>, <c>affine</c>, <c>elementwise_affine</c>) that must all be true for it to exist.</summary>
    internal sealed record LayerParameter(string Name, int Rank, params string[] SwitchArguments);

    private static readonly LayerParameter[] None = [];

    private static LayerParameter[] WeightAndBias(int weightRank, string biasArgument = "bias") =>
        [new("weight", weightRank), new("bias", 1, biasArgument)];

    private static LayerParameter[] Affine(string argument) =>
        [new("weight", 1, argument), new("bias", 1, argument)];

    private static readonly Dictionary<string, LayerParameter[]> Layers = new()
    {
        ["Conv1d"] = WeightAndBias(3),
        ["Conv2d"] = WeightAndBias(4),
        ["Conv3d"] = WeightAndBias(5),
        ["ConvTranspose1d"] = WeightAndBias(3),
        ["ConvTranspose2d"] = WeightAndBias(4),
        ["ConvTranspose3d"] = WeightAndBias(5),
        ["Linear"] = WeightAndBias(2, "hasBias"),
        ["Bilinear"] = WeightAndBias(3, "hasBias"),
        ["BatchNorm1d"] = Affine("affine"),
        ["BatchNorm2d"] = Affine("affine"),
        ["BatchNorm3d"] = Affine("affine"),
        ["GroupNorm"] = Affine("affine"),
        ["LayerNorm"] = [new("weight", 0, "elementwise_affine"), new("bias", 0, "elementwise_affine", "bias")],
        ["Embedding"] = [new("weight", 2)],
        ["EmbeddingBag"] = [new("weight", 2)],
        ["PReLU"] = [new("weight", 1)],
    };

    private static readonly HashSet<string> Parameterless =
    [
        "ReLU", "ReLU6", "RReLU", "LeakyReLU", "ELU", "CELU", "GELU", "GLU", "SELU", "SiLU", "Mish", "Sigmoid",
        "LogSigmoid", "Tanh", "Tanhshrink", "Softmax", "Softmax2d", "LogSoftmax", "Softmin", "Softplus",
        "Softshrink", "Softsign", "Hardshrink", "Hardsigmoid", "Hardswish", "Hardtanh", "Threshold", "Identity",
        "Flatten", "Unflatten", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
        "FeatureAlphaDropout", "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
        "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d",
        "AdaptiveMaxPool3d", "LPPool1d", "LPPool2d", "FractionalMaxPool2d", "FractionalMaxPool3d", "ZeroPad2d",
        "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
        "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "Upsample", "PixelShuffle", "PixelUnshuffle",
        "ChannelShuffle", "CosineSimilarity", "PairwiseDistance", "LocalResponseNorm",
    ];

    /// <summary>The parameters of a TorchSharp layer type, or null when the type is not known.</summary>
    public static IReadOnlyList<LayerParameter>? ParametersOf(string typeName)
    {
        if (Layers.TryGetValue(typeName, out var parameters))
        {
            return parameters;
        }

        return Parameterless.Contains(typeName) ? None : null;
    }
}
