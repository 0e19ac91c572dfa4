using Distiller.Typed.Generators.Diagnostics;
using Distiller.Typed.Generators.Helpers;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Generators.Emit;

/// <summary>Which runtime API the consuming compilation offers; decides how much of a builder is emitted.</summary>
/// <param name="HasScheduleSpec">Distiller.Typed.Runtime is referenced (ScheduleSpec, ArgumentMap).</param>
/// <param name="FactoryCall">How to build the scheduler from a spec, e.g.
/// <c>global::Distiller.Typed.Scheduling.ScheduleLoader.Build({model}, {spec}, {optimizer})</c>; null when the
/// runtime has no such factory (then no <c>Build</c> is emitted).</param>
internal sealed record RuntimeFeatures(bool HasScheduleSpec, string? FactoryCall);

/// <summary>Everything the emitter writes for one schedule: names and YAML values, nothing from Roslyn.</summary>
internal sealed record ScheduleEmitModel(
    string HintName,
    string FileName,
    string SchedulePath,
    string Namespace,
    string ClassName,
    bool IsPublic,
    bool IsModelAccessible,
    string ModelType,
    string ModelName,
    bool NeedsOptimizer,
    bool HasErrors,
    RuntimeFeatures Runtime,
    EquatableArray<InstanceModel> Instances,
    EquatableArray<PolicyModel> Policies);

/// <summary>One declared instance and its editable options.</summary>
internal sealed record InstanceModel(
    ScheduleSection Section,
    string InstanceName,
    string ClassName,
    string PropertyName,
    SourceSpan Span,
    EquatableArray<OptionModel> Options);

/// <summary>One argument of an instance: its YAML key, C# property name, value (names already normalised) and the
/// catalogue's type for it (null when the catalogue does not know the argument).</summary>
internal sealed record OptionModel(string Key, string PropertyName, ScheduleValue Value, SourceSpan KeySpan, Distiller.Typed.Catalogue.ParameterType? Type = null, bool Nullable = false, string? Summary = null);

/// <summary>One policy as written.</summary>
internal sealed record PolicyModel(
    ScheduleSection Section,
    string InstanceName,
    EquatableArray<MappingEntryModel> Args,
    int? StartingEpoch,
    int? EndingEpoch,
    int? Frequency,
    EquatableArray<int>? Epochs,
    SourceSpan Span);

/// <summary>A policy argument (e.g. <c>levels</c>, <c>keep_mask</c>).</summary>
internal sealed record MappingEntryModel(string Key, ScheduleValue Value, SourceSpan KeySpan);

/// <summary>The result of stage 3 for one schedule: what to emit (null when no model is bound) and what to report.</summary>
internal sealed record BoundSchedule(ScheduleEmitModel? Emit, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>One generated file.</summary>
internal sealed record GeneratedSource(string HintName, string Text);
