using Distiller.Typed.Quantization;

namespace Distiller.Typed.Scheduling.Factories;

/// <summary>
/// The quantizers a schedule may declare (DorefaQuantizer, WRPNQuantizer, PACTQuantizer,
/// QuantAwareTrainRangeLinearQuantizer, PostTrainLinearQuantizer): each creates an unprepared
/// <see cref="Quantizer"/> from the schedule's arguments. A quantization policy then prepares the model when it is
/// added (see <c>ScheduleBuilder.PolicyFor</c>); a post-training quantizer has no policy and is only built, as
/// Distiller's <c>dict_config</c> does — use <see cref="Quantization.QuantizerFactory.FromConfigFile"/> to apply it.
/// </summary>
public static class QuantizerFactory
{
    internal static void Register(Action<string, ComponentCreator> register)
    {
        foreach (var className in Quantization.QuantizerFactory.ClassNames)
            register(className, (context, arguments) =>
                Quantization.QuantizerFactory.Create(className, context.Model, context.Optimizer, arguments.Given()));
    }

    /// <summary>The problem reported for a quantizer class that has no registration.</summary>
    internal static string Unavailable(ComponentSpec spec) =>
        $"quantizer '{spec.InstanceName}' ({spec.ClassName}) has no runtime implementation; " +
        $"implemented quantizers: {string.Join(", ", Quantization.QuantizerFactory.ClassNames)}.";
}
