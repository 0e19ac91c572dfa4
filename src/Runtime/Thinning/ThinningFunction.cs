namespace Distiller.Typed.Thinning;

/// <summary>What a thinner removes (distiller/thinning.py's <c>thinning_func_str</c>).</summary>
public enum ThinningFunction
{
    /// <summary><c>remove_filters</c>: output channels whose filters (weight dim 0) are all zero in every convolution that writes them.</summary>
    RemoveFilters,

    /// <summary><c>remove_channels</c>: input channels whose weights (dim 1 of a convolution, the columns of a linear layer) are all zero in every layer that reads them.</summary>
    RemoveChannels,
}

public static class ThinningFunctions
{
    /// <summary>The function a schedule's <c>thinning_func_str</c> names (the catalogue lists the valid names).</summary>
    public static ThinningFunction Parse(string name) => name switch
    {
        "remove_filters" => ThinningFunction.RemoveFilters,
        "remove_channels" => ThinningFunction.RemoveChannels,
        _ => throw new ArgumentException($"thinning_func_str '{name}' is not a thinning function; valid: 'remove_filters', 'remove_channels'.", nameof(name)),
    };

    /// <summary>The dummy input Distiller's <c>get_dummy_input</c> builds for a data set name.</summary>
    public static long[] DummyInputShape(string dataset) => dataset switch
    {
        "cifar10" => new long[] { 1, 3, 32, 32 },
        "imagenet" => new long[] { 1, 3, 224, 224 },
        "mnist" => new long[] { 1, 1, 28, 28 },
        _ => throw new ArgumentException($"dataset '{dataset}' has no known input shape; valid: 'cifar10', 'imagenet', 'mnist'.", nameof(dataset)),
    };
}
