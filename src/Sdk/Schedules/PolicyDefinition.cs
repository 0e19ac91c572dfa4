namespace Distiller.Typed.Schedules;

/// <summary>
/// One entry of <c>policies:</c>: which instance it manages (<see cref="Section"/> + <see cref="InstanceName"/>),
/// its optional <c>args</c>, and when it runs — <c>starting_epoch</c>/<c>ending_epoch</c>/<c>frequency</c> or an
/// <c>epochs</c> list. The timing keys are read from the policy entry or, as the reference document's
/// quantization example writes them, from inside the instance mapping.
/// </summary>
public sealed record PolicyDefinition(
    ScheduleSection Section,
    ScalarValue SectionKey,
    ScalarValue? InstanceName,
    MappingValue? Args,
    ScalarValue? StartingEpoch,
    ScalarValue? EndingEpoch,
    ScalarValue? Frequency,
    SequenceValue? Epochs,
    SourceSpan Span)
{
    /// <summary>True when the policy gives an explicit epoch list rather than a range.</summary>
    public bool UsesEpochList => Epochs is not null;
}
