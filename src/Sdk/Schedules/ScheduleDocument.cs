using System.Collections.Generic;
using System.Linq;

namespace Distiller.Typed.Schedules;

/// <summary>
/// A parsed schedule file: what Distiller's <c>file_config</c> / <c>dict_config</c> read. Every node keeps its
/// source position so any finding can point at it.
/// </summary>
public sealed record ScheduleDocument(
    string Path,
    ScalarValue? Version,
    ScalarValue? Model,
    EquatableArray<ComponentDefinition> Components,
    EquatableArray<PolicyDefinition> Policies)
{
    public static ScheduleDocument Empty(string path) => new(path, null, null, default, default);

    public IEnumerable<ComponentDefinition> InSection(ScheduleSection section) => Components.Where(c => c.Section == section);

    public ComponentDefinition? FindComponent(ScheduleSection section, string instanceName) =>
        Components.FirstOrDefault(c => c.Section == section && c.InstanceName == instanceName);
}
