using Distiller.Typed.Schedules;

namespace Distiller.Typed.Catalogue;

/// <summary>
/// Distiller's extensions (distiller/thinning.py): the network thinners. <c>StructureRemover</c> is the class;
/// <c>FilterRemover</c> and <c>ChannelRemover</c> are the aliases Distiller's example schedules use, with the same
/// arguments. A thinner is scheduled by an <c>extension:</c> policy and runs once in each epoch it is active.
/// </summary>
internal static class ExtensionCatalogue
{
    private const ScheduleSection Section = ScheduleSection.Extensions;

    /// <summary>The thinning functions distiller.thinning exports under these names.</summary>
    public static readonly EquatableArray<string> ThinningFunctions = EquatableArray.Create("remove_filters", "remove_channels");

    /// <summary>The data sets distiller.get_dummy_input knows, which decide the dummy input's shape.</summary>
    public static readonly EquatableArray<string> Datasets = EquatableArray.Create("cifar10", "imagenet", "mnist");

    public static EquatableArray<ComponentDescriptor> All { get; } = EquatableArray.Create(
        Thinner("StructureRemover"),
        Thinner("FilterRemover"),
        Thinner("ChannelRemover"));

    private static ComponentDescriptor Thinner(string className) => new(className, Section,
        "Network thinning: physically removes zeroed filters (remove_filters) or channels (remove_channels) of convolutions, with the " +
        "batch-norm entries, the next layers' inputs, residual paths, gradients, momentum buffers and masks that go with them.",
        EquatableArray.Create(
            new ParameterDescriptor("thinning_func_str", ParameterType.String,
                "The thinning function: 'remove_filters' removes all-zero filters (weight dim 0), 'remove_channels' all-zero input channels (weight dim 1).",
                Required: true, AllowedValues: ThinningFunctions),
            new ParameterDescriptor("arch", ParameterType.String, "The architecture's name (Distiller records it; thinning reads the model itself).",
                Required: true),
            new ParameterDescriptor("dataset", ParameterType.String,
                "Decides the dummy input traced to learn the data dependencies: cifar10 [1, 3, 32, 32], imagenet [1, 3, 224, 224], mnist [1, 1, 28, 28] " +
                "(an input shape given to the schedule builder takes precedence).",
                Required: true, AllowedValues: Datasets)),
        NeedsOptimizer: true, // its momentum buffers shrink with the parameters, as Distiller's thinning does
        Source: "distiller/thinning.py");
}
