using Distiller.Typed.Catalogue;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Generators.Binding;

/// <summary>
/// Which arguments name model parameters or modules, and what type the catalogue gives them — read from src/Sdk's
/// component catalogue, the one table the generator, the runtime loader and the docs share.
/// </summary>
internal static class NameArguments
{
    /// <summary>The catalogue's description of a component argument; null for an unknown class or argument
    /// (which the Sdk's model-free validation reports).</summary>
    public static ParameterDescriptor? Of(ComponentDefinition component, string argument) =>
        component.ClassName is { } className && ComponentCatalogue.TryFind(className, out var descriptor)
            ? descriptor.Parameter(argument)
            : null;

    /// <summary>The catalogue's description of a policy <c>args</c> entry.</summary>
    public static ParameterDescriptor? OfPolicy(ScheduleSection section, string argument)
    {
        foreach (var parameter in ComponentCatalogue.PolicyArguments(section))
        {
            if (parameter.Name == argument)
            {
                return parameter;
            }
        }

        return null;
    }
}
