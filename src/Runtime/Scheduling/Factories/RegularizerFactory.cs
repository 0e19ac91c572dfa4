using Distiller.Typed.Regularization;

namespace Distiller.Typed.Scheduling.Factories;

/// <summary>Creates every regularizer of the catalogue from its schedule arguments.</summary>
public static class RegularizerFactory
{
    internal static void Register(Action<string, ComponentCreator> register)
    {
        register(L1Regularizer.ClassName, (c, a) => new L1Regularizer(c.InstanceName, c.Model, a.FloatMap("reg_regims")!, a.String("threshold_criteria")));
        register(GroupLassoRegularizer.ClassName, (c, a) => new GroupLassoRegularizer(c.InstanceName, c.Model, Regims(a), a.String("threshold_criteria")));
        register(GroupVarianceRegularizer.ClassName, (c, a) => new GroupVarianceRegularizer(c.InstanceName, c.Model, Regims(a)));
    }

    /// <summary><c>reg_regims: { name: [strength, group_type] }</c> → <see cref="GroupRegime"/> per parameter.</summary>
    private static IReadOnlyDictionary<string, GroupRegime> Regims(ComponentArguments arguments) =>
        arguments.GroupMap("reg_regims")!.ToDictionary(e => e.Key, e => new GroupRegime(e.Value.Value, e.Value.GroupType), StringComparer.Ordinal);
}
