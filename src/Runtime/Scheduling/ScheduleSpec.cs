using Distiller.Typed.Schedules;

namespace Distiller.Typed.Scheduling;

/// <summary>One declared instance: its section, name, class and arguments.</summary>
public sealed record ComponentSpec(ScheduleSection Section, string InstanceName, string ClassName, ArgumentMap Arguments)
{
    /// <summary>Where the instance was declared, when read from a file.</summary>
    public SourceSpan? Span { get; init; }
}

/// <summary>
/// One policy: the instance it manages, its <c>args</c>, and either a range (<see cref="StartingEpoch"/>,
/// <see cref="EndingEpoch"/>, <see cref="Frequency"/>) or an <see cref="Epochs"/> list.
/// </summary>
public sealed record PolicySpec(
    ScheduleSection Section,
    string InstanceName,
    ArgumentMap Args,
    int? StartingEpoch,
    int? EndingEpoch,
    int? Frequency,
    IReadOnlyList<int>? Epochs)
{
    public SourceSpan? Span { get; init; }
}

/// <summary>
/// A schedule as plain data — what the generated typed builders construct in code and what a schedule file
/// loaded at run time becomes — from which the scheduler is built.
/// </summary>
public sealed class ScheduleSpec
{
    public ScheduleSpec(string? path = null) => Path = path;

    /// <summary>The schedule file, when the spec was read from one; used in error messages.</summary>
    public string? Path { get; }

    public List<ComponentSpec> Components { get; } = new();

    public List<PolicySpec> Policies { get; } = new();

    public ScheduleSpec Add(ComponentSpec component)
    {
        Components.Add(component);
        return this;
    }

    public ScheduleSpec Add(PolicySpec policy)
    {
        Policies.Add(policy);
        return this;
    }

    /// <summary>
    /// Converts a parsed document. Throws <see cref="ScheduleException"/> listing every error diagnostic when
    /// <paramref name="result"/> has errors — a schedule with errors is never half-built.
    /// </summary>
    public static ScheduleSpec FromDocument(ScheduleParseResult result)
    {
        if (result.HasErrors)
            throw ScheduleException.FromDiagnostics(result.Diagnostics);
        return FromDocument(result.Document);
    }

    /// <summary>
    /// Converts a document as it is, errors or not (what could not be read is left out or empty); the loader uses it
    /// to find the model-name problems of a schedule that also has other errors, so all are reported together.
    /// </summary>
    internal static ScheduleSpec FromDocument(ScheduleDocument document)
    {
        var spec = new ScheduleSpec(document.Path);
        foreach (var component in document.Components)
        {
            spec.Add(new ComponentSpec(component.Section, component.InstanceName, component.ClassName ?? "",
                ArgumentMap.FromYaml(component.Arguments, document.Path)) { Span = component.Name.Span });
        }
        foreach (var policy in document.Policies)
        {
            var args = policy.Args is { } a ? ArgumentMap.FromYaml(a.Entries, document.Path) : new ArgumentMap(document.Path);
            spec.Add(new PolicySpec(policy.Section, policy.InstanceName?.Text ?? "", args,
                Int(policy.StartingEpoch), Int(policy.EndingEpoch), Int(policy.Frequency),
                policy.Epochs?.Items.Select(e => e is ScalarValue s && s.TryGetInt32(out var i) ? i : -1).ToList())
            { Span = policy.Span });
        }
        return spec;
    }

    private static int? Int(ScalarValue? scalar) => scalar is not null && scalar.TryGetInt32(out var value) ? value : null;
}
