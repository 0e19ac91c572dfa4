using System.Linq;

namespace Distiller.Typed.Schedules;

/// <summary>
/// One instance declared in a section, e.g. <c>my_pruner: { class: SensitivityPruner, sensitivities: … }</c>.
/// <see cref="Arguments"/> holds every key but <c>class</c>, in file order.
/// </summary>
public sealed record ComponentDefinition(
    ScheduleSection Section,
    ScalarValue Name,
    ScalarValue? Class,
    EquatableArray<MappingEntry> Arguments,
    SourceSpan Span)
{
    public string InstanceName => Name.Text;

    public string? ClassName => Class?.Text;

    public MappingEntry? Argument(string name) => Arguments.FirstOrDefault(a => a.Key.Text == name);
}
