using Distiller.Typed.Catalogue;
using Distiller.Typed.LearningRate;
using Distiller.Typed.Policies;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Scheduling.Factories;

/// <summary>
/// Creates an <see cref="LRPolicy"/> for every LR scheduler class of the catalogue: the scheduler itself is built by
/// <see cref="LrSchedulerFactory.Create"/> with PyTorch's argument names, and with Distiller's <c>resumed_epoch</c> as
/// <c>last_epoch</c> when the schedule is built for a resumed run.
/// </summary>
public static class LrSchedulerPolicyFactory
{
    internal static void Register(Action<string, ComponentCreator> register)
    {
        foreach (var descriptor in ComponentCatalogue.InSection(ScheduleSection.LrSchedulers))
            register(descriptor.ClassName, Create);
    }

    private static object Create(ComponentContext context, ComponentArguments arguments)
    {
        var optimizer = context.RequireOptimizer();
        var given = arguments.Given();
        var plateauMode = context.ClassName == "ReduceLROnPlateau" && given.TryGetValue("mode", out var mode) && mode is "max" ? "max" : "min";
        return new LRPolicy(optimizer, o => LrSchedulerFactory.Create(context.ClassName, given, o, context.ResumedEpoch), metric: null, plateauMode)
        {
            InstanceName = context.InstanceName,
        };
    }
}
