using System;
using System.Collections.Generic;
using System.Linq;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Catalogue;

/// <summary>
/// Every class a schedule may name, with its typed arguments: the one table the generator, the runtime loader,
/// the validator and docs/catalogue.md read. Plain data; no TorchSharp.
/// </summary>
public static class ComponentCatalogue
{
    private static readonly Lazy<IReadOnlyList<ComponentDescriptor>> s_all = new(() =>
        PrunerCatalogue.All
            .Concat(RegularizerCatalogue.All)
            .Concat(QuantizerCatalogue.All)
            .Concat(LrSchedulerCatalogue.All)
            .Concat(ExtensionCatalogue.All)
            .ToList());

    private static readonly Lazy<Dictionary<string, ComponentDescriptor>> s_byName =
        new(() => All.ToDictionary(c => c.ClassName, StringComparer.Ordinal));

    /// <summary>Every class, section by section, in the order docs/catalogue.md lists them.</summary>
    public static IReadOnlyList<ComponentDescriptor> All => s_all.Value;

    /// <summary>The classes a section may declare.</summary>
    public static IEnumerable<ComponentDescriptor> InSection(ScheduleSection section) => All.Where(c => c.Section == section);

    /// <summary>Looks a class up by its exact (case-sensitive) name, whatever its section.</summary>
    public static bool TryFind(string className, out ComponentDescriptor descriptor)
    {
        if (className is not null && s_byName.Value.TryGetValue(className, out var found))
        {
            descriptor = found;
            return true;
        }
        descriptor = null!;
        return false;
    }

    /// <summary>What a policy's <c>args:</c> may hold when it manages an instance of <paramref name="section"/>.</summary>
    public static EquatableArray<ParameterDescriptor> PolicyArguments(ScheduleSection section) => PolicyArgumentCatalogue.For(section);

    /// <summary>
    /// Constructor arguments Distiller's <c>config.build_component</c> / <c>dict_config</c> supply themselves, which a
    /// schedule must not give: the model, the instance name, the optimizer and the LR scheduler's resume epoch.
    /// </summary>
    public static IReadOnlyList<string> LoaderSuppliedArguments { get; } = new[] { "model", "name", "optimizer", "last_epoch" };

    /// <summary>Classes Distiller or PyTorch has that a schedule cannot use here, with the reason.</summary>
    public static IReadOnlyList<UnsupportedComponent> Unsupported { get; } = new[]
    {
        new UnsupportedComponent("LambdaLR", ScheduleSection.LrSchedulers,
            "it takes a Python function (lr_lambda), which YAML cannot express; build TorchSharp's LambdaLR in code and give it to an LRPolicy"),
        new UnsupportedComponent("MultiplicativeLR", ScheduleSection.LrSchedulers,
            "it takes a Python function (lr_lambda), which YAML cannot express; build TorchSharp's MultiplicativeLR in code and give it to an LRPolicy"),
        new UnsupportedComponent("SequentialLR", ScheduleSection.LrSchedulers,
            "it takes other scheduler objects, which YAML cannot express; build TorchSharp's SequentialLR in code and give it to an LRPolicy"),
        new UnsupportedComponent("ChainedScheduler", ScheduleSection.LrSchedulers,
            "it takes other scheduler objects, which YAML cannot express; build TorchSharp's ChainedLR in code and give it to an LRPolicy"),
        new UnsupportedComponent("FMReconstructionChannelPruner", ScheduleSection.Pruners,
            "it needs feature maps collected by collect_intermediate_featuremap_samples() before pruning, which a schedule cannot arrange"),
        new UnsupportedComponent("NCFQuantAwareTrainQuantizer", ScheduleSection.Quantizers, "it is specific to Distiller's NCF example model"),
    };

    public static UnsupportedComponent? FindUnsupported(string className) =>
        Unsupported.FirstOrDefault(u => string.Equals(u.ClassName, className, StringComparison.Ordinal));
}
