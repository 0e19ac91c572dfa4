using Distiller.Typed.Schedules;

namespace Distiller.Typed.Catalogue;

/// <summary>Distiller's schedulable extensions: network thinning (distiller/thinning.py).</summary>
internal static class ExtensionCatalogue
{
    private static readonly EquatableArray<ParameterDescriptor> ThinningParameters = EquatableArray.Create(
        new ParameterDescriptor("thinning_func_str", ParameterType.String, "The thinning function: remove the pruned filters or channels.",
            Required: true, AllowedValues: EquatableArray.Create("remove_filters", "remove_channels")),
        new ParameterDescriptor("arch", ParameterType.String, "The model architecture name (as Distiller's model zoo names it).", Required: true),
        new ParameterDescriptor("dataset", ParameterType.String, "The dataset name, e.g. 'cifar10' or 'imagenet'.", Required: true));

    public static EquatableArray<ComponentDescriptor> All { get; } = EquatableArray.Create(
        Thinning("StructureRemover"),
        Thinning("FilterRemover"),
        Thinning("ChannelRemover"));

    private static ComponentDescriptor Thinning(string name) => new(name, ScheduleSection.Extensions,
        "Physically removes the filters or channels that pruning zeroed, once per scheduled epoch (FilterRemover and ChannelRemover are Distiller's aliases of StructureRemover).",
        ThinningParameters, Source: "distiller/thinning.py");
}
