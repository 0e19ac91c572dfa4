namespace Distiller.Typed.Thinning;

/// <summary>
/// One channel of the feature maps, with everything that must shrink together when it is removed: the convolution
/// filters that write it (several when residual additions join their outputs), the batch-norm entries it passes
/// through, and the convolution input channels and linear-layer columns that read it.
/// </summary>
/// <param name="Filters">(conv module, output channel) pairs that write the channel.</param>
/// <param name="BatchNorms">(batch-norm module, channel) pairs it passes through.</param>
/// <param name="ConvInputs">(conv module, input channel) pairs that read it.</param>
/// <param name="LinearInputs">(linear module, input features) that read it (all the features a flatten made of it).</param>
/// <param name="FixedReason">Why the channel cannot be removed whatever its weights (it is the model's input or output, or
/// passes through a layer thinning cannot shrink), or null.</param>
public sealed record ChannelGroup(
    IReadOnlyList<(string Module, long Channel)> Filters,
    IReadOnlyList<(string Module, long Channel)> BatchNorms,
    IReadOnlyList<(string Module, long Channel)> ConvInputs,
    IReadOnlyList<(string Module, long[] Features)> LinearInputs,
    string? FixedReason);
