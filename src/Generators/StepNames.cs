namespace Distiller.Typed.Generators;

/// <summary>Tracking names of the pipeline steps, so tests can assert which steps ran and which were cached.</summary>
internal static class StepNames
{
    public const string ScheduleInputs = nameof(ScheduleInputs);
    public const string ParsedSchedules = nameof(ParsedSchedules);
    public const string Models = nameof(Models);
    public const string ReferencedModels = nameof(ReferencedModels);
    public const string AllModels = nameof(AllModels);
    public const string RuntimeFeatures = nameof(RuntimeFeatures);
    public const string CpuKernelGuard = nameof(CpuKernelGuard);
    public const string BoundSchedules = nameof(BoundSchedules);
    public const string ScheduleSources = nameof(ScheduleSources);
    public const string ModelNameSources = nameof(ModelNameSources);
}
