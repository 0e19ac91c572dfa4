namespace Distiller.Typed.Scheduling.Factories;

/// <summary>
/// The registration point for quantizers (DorefaQuantizer, WRPNQuantizer, PACTQuantizer,
/// QuantAwareTrainRangeLinearQuantizer, PostTrainLinearQuantizer). Each quantizer class is one line in
/// <see cref="Register"/>: <c>register("DorefaQuantizer", (c, a) => new QuantizationPolicy(...))</c>; its creator returns the
/// ready <see cref="Policies.Policy"/> (the builder adds it with the policy's timing), reading its arguments from
/// <see cref="ComponentArguments"/> (bits_* via <c>a.Value</c>, <c>overrides</c> via <c>a.Map</c>, <c>mode</c> via
/// <c>a.Value</c>). Module names in <c>overrides</c> are already checked against <c>named_modules()</c> by the builder.
/// </summary>
public static class QuantizerFactory
{
    /// <summary>
    /// TO BE FILLED WHEN THE QUANTIZATION RUNTIME IS MERGED: one <c>register(className, creator)</c> per quantizer class.
    /// Until then no quantizer is registered and a schedule naming one fails with <see cref="Unavailable"/>.
    /// </summary>
    internal static void Register(Action<string, ComponentCreator> register)
    {
        _ = register;
    }

    /// <summary>The problem reported for a quantizer class that has no registration.</summary>
    internal static string Unavailable(ComponentSpec spec) =>
        $"quantizer '{spec.InstanceName}' ({spec.ClassName}) is not available in this build: the quantization runtime is not " +
        "part of it yet, so schedules with a quantizers section cannot be run here.";
}
