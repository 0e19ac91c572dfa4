using Distiller.Typed.Catalogue;
using Distiller.Typed.Scheduling.Factories;

namespace Distiller.Typed.Scheduling;

/// <summary>
/// Maps each class the component catalogue lists to the code that creates it — Distiller's
/// <c>config.build_component</c>. One small file per section registers its classes
/// (<see cref="PrunerFactory"/>, <see cref="RegularizerFactory"/>, <see cref="LrSchedulerPolicyFactory"/>,
/// <see cref="ExtensionFactory"/>); quantizers come from the one <see cref="Quantization.QuantizerFactory"/>, which also
/// reads <c>--qe-config-file</c>. A class the catalogue lists without a registration fails <c>ComponentFactoryTests</c>.
/// </summary>
public static class ComponentFactory
{
    private static readonly Lazy<Dictionary<string, ComponentCreator>> s_creators = new(() =>
    {
        var creators = new Dictionary<string, ComponentCreator>(StringComparer.Ordinal);
        void Register(string className, ComponentCreator create)
        {
            if (!ComponentCatalogue.TryFind(className, out _))
                throw new InvalidOperationException($"'{className}' is registered with the component factory but the component catalogue does not list it.");
            if (!creators.TryAdd(className, create))
                throw new InvalidOperationException($"'{className}' is registered with the component factory twice.");
        }
        PrunerFactory.Register(Register);
        RegularizerFactory.Register(Register);
        LrSchedulerPolicyFactory.Register(Register);
        // Unprepared quantizers: a quantization policy prepares the model when it is added (ScheduleBuilder.PolicyFor); a
        // post-training quantizer has no policy and is only built, as Distiller's dict_config does.
        foreach (var className in Quantization.QuantizerFactory.ClassNames)
            Register(className, (context, arguments) =>
                Quantization.QuantizerFactory.Create(className, context.Model, context.Optimizer, arguments.Given()));
        ExtensionFactory.Register(Register);
        return creators;
    });

    /// <summary>Whether a class can be created by this runtime.</summary>
    public static bool IsRegistered(string className) => s_creators.Value.ContainsKey(className);

    /// <summary>Every class name this runtime can create.</summary>
    public static IReadOnlyCollection<string> RegisteredClasses => s_creators.Value.Keys;

    /// <summary>
    /// Creates the component, or records why it cannot be created (a constructor's <see cref="ArgumentException"/>
    /// becomes a problem at the instance's position) and returns null.
    /// </summary>
    internal static object? Create(ComponentSpec spec, ComponentContext context, ComponentArguments arguments, string? path, List<ScheduleProblem> problems)
    {
        if (!s_creators.Value.TryGetValue(spec.ClassName, out var create))
        {
            problems.Add(new ScheduleProblem(NotCreatable(spec), path, spec.Span));
            return null;
        }
        try
        {
            return create(context, arguments);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            problems.Add(new ScheduleProblem($"{arguments.Owner} cannot be created: {e.Message}", path, spec.Span));
            return null;
        }
    }

    /// <summary>Why a catalogue class has no creator here (ComponentFactoryTests keeps this from happening).</summary>
    internal static string NotCreatable(ComponentSpec spec) => spec.Section switch
    {
        Schedules.ScheduleSection.Quantizers =>
            $"quantizer '{spec.InstanceName}' ({spec.ClassName}) has no runtime implementation; " +
            $"implemented quantizers: {string.Join(", ", Quantization.QuantizerFactory.ClassNames)}.",
        _ => $"{spec.ClassName} '{spec.InstanceName}' cannot be created by this runtime (no factory is registered for it).",
    };
}
