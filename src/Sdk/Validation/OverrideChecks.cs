using Distiller.Typed.Catalogue;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;
using Distiller.Typed.Text;

namespace Distiller.Typed.Validation;

/// <summary>
/// Checks a quantizer's <c>overrides</c>: each key must compile as a whole-name pattern (<see cref="OverridePattern"/>,
/// the one compiler the generator and the runtime use too), and each value must be a mapping of the per-module
/// arguments the quantizer accepts.
/// </summary>
internal static class OverrideChecks
{
    public static void Check(ValidationContext context, string owner, MappingValue overrides, ParameterDescriptor parameter)
    {
        foreach (var entry in overrides.Entries)
        {
            if (!OverridePattern.TryCreate(entry.Key.Text, out _, out var error))
                context.Report(ScheduleDiagnosticDescriptors.InvalidOverridePattern, entry.Key.Span, entry.Key.Text, error);

            if (entry.Value is MappingValue settings)
                ArgumentChecks.CheckEntries(context, $"the override '{entry.Key.Text}' of {owner}", settings.Entries, parameter.EntryParameters);
            else
                ValueChecks.WrongType(context, $"The override '{entry.Key.Text}'", owner, "mapping of per-module arguments such as 'bits_weights: null'", entry.Value);
        }
    }
}
