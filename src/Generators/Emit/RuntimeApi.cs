using Microsoft.CodeAnalysis;

namespace Distiller.Typed.Generators.Emit;

/// <summary>
/// The runtime types generated code calls, by name. <c>Build</c> is emitted only when the consuming compilation
/// has the scheduler type, so a project without the runtime (or an older one) still compiles.
/// </summary>
internal static class RuntimeApi
{
    public const string ScheduleSpecMetadataName = "Distiller.Typed.Scheduling.ScheduleSpec";
    public const string SchedulerMetadataName = "Distiller.Typed.Scheduling.CompressionScheduler";
    public const string SchedulerType = "global::" + SchedulerMetadataName;

    /// <summary>Called as <c>Factory(model, spec, optimizer)</c>.</summary>
    public const string SchedulerFactory = SchedulerType + ".Create";

    public static RuntimeFeatures Detect(Compilation compilation) => new(
        compilation.GetTypeByMetadataName(ScheduleSpecMetadataName) is not null,
        compilation.GetTypeByMetadataName(SchedulerMetadataName) is not null);
}
