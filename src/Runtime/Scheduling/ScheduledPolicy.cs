using Distiller.Typed.Policies;

namespace Distiller.Typed.Scheduling;

/// <summary>A policy and the epochs it runs on, as added to a <see cref="CompressionScheduler"/>.</summary>
public sealed record ScheduledPolicy(Policy Policy, PolicySchedule Schedule);
