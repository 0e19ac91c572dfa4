using Distiller.Typed.Pruning;
using Distiller.Typed.Thresholding;

namespace Distiller.Typed.Scheduling.Factories;

/// <summary>Creates every pruner of the catalogue from its schedule arguments (Distiller's names → constructor arguments).</summary>
public static class PrunerFactory
{
    internal static void Register(Action<string, ComponentCreator> register)
    {
        register("MagnitudeParameterPruner", (c, a) => new MagnitudeParameterPruner(c.InstanceName, a.FloatMap("thresholds")!));
        register("SparsityLevelParameterPruner", (c, a) => new SparsityLevelParameterPruner(c.InstanceName, a.FloatMap("levels")!));
        register("SensitivityPruner", (c, a) => new SensitivityPruner(c.InstanceName, a.FloatMap("sensitivities")!));
        register("SplicingPruner", (c, a) => new SplicingPruner(c.InstanceName, a.FloatMap("sensitivities")!,
            a.Float("low_thresh_mult"), a.Float("hi_thresh_mult"), a.Float("sensitivity_multiplier")));
        register("AutomatedGradualPruner", (c, a) => new AutomatedGradualPruner(c.InstanceName,
            a.Float("initial_sparsity"), a.Float("final_sparsity"), a.StringList("weights")));

        register(L1RankedStructureParameterPruner.ClassName, (c, a) => new L1RankedStructureParameterPruner(c.InstanceName,
            a.String("group_type")!, a.Float("desired_sparsity"), a.StringList("weights"), a.String("group_dependency"),
            BlockShapeOf(a), a.Float("noise"), a.Int("group_size")));
        register(L2RankedStructureParameterPruner.ClassName, (c, a) => new L2RankedStructureParameterPruner(c.InstanceName,
            a.String("group_type")!, a.Float("desired_sparsity"), a.StringList("weights"), a.String("group_dependency"),
            BlockShapeOf(a), a.Float("noise"), a.Int("group_size")));
        register(L1RankedStructureParameterPrunerAgp.ClassName, (c, a) => new L1RankedStructureParameterPrunerAgp(c.InstanceName,
            a.Float("initial_sparsity"), a.Float("final_sparsity"), a.String("group_type")!, a.StringList("weights"),
            a.String("group_dependency"), BlockShapeOf(a)));
        register(L2RankedStructureParameterPrunerAgp.ClassName, (c, a) => new L2RankedStructureParameterPrunerAgp(c.InstanceName,
            a.Float("initial_sparsity"), a.Float("final_sparsity"), a.String("group_type")!, a.StringList("weights"),
            a.String("group_dependency"), BlockShapeOf(a)));

        register(ActivationAPoZRankedFilterPruner.ClassName, (c, a) => new ActivationAPoZRankedFilterPruner(c.InstanceName,
            a.String("group_type")!, a.Float("desired_sparsity"), a.StringList("weights"), a.String("group_dependency")));
        register(ActivationMeanRankedFilterPruner.ClassName, (c, a) => new ActivationMeanRankedFilterPruner(c.InstanceName,
            a.String("group_type")!, a.Float("desired_sparsity"), a.StringList("weights"), a.String("group_dependency")));
        register(GradientRankedFilterPruner.ClassName, (c, a) => new GradientRankedFilterPruner(c.InstanceName,
            a.String("group_type")!, a.Float("desired_sparsity"), a.StringList("weights"), a.String("group_dependency")));
        register(RandomRankedFilterPruner.ClassName, (c, a) => new RandomRankedFilterPruner(c.InstanceName,
            a.String("group_type")!, a.Float("desired_sparsity"), a.StringList("weights"), a.String("group_dependency")));
        register(BernoulliFilterPruner.ClassName, (c, a) => new BernoulliFilterPruner(c.InstanceName,
            a.String("group_type")!, a.Float("desired_sparsity"), a.StringList("weights"), a.String("group_dependency")));

        register(ActivationAPoZRankedFilterPrunerAgp.ClassName, (c, a) => new ActivationAPoZRankedFilterPrunerAgp(c.InstanceName,
            a.Float("initial_sparsity"), a.Float("final_sparsity"), a.String("group_type")!, a.StringList("weights"), a.String("group_dependency")));
        register(ActivationMeanRankedFilterPrunerAgp.ClassName, (c, a) => new ActivationMeanRankedFilterPrunerAgp(c.InstanceName,
            a.Float("initial_sparsity"), a.Float("final_sparsity"), a.String("group_type")!, a.StringList("weights"), a.String("group_dependency")));
        register(GradientRankedFilterPrunerAgp.ClassName, (c, a) => new GradientRankedFilterPrunerAgp(c.InstanceName,
            a.Float("initial_sparsity"), a.Float("final_sparsity"), a.String("group_type")!, a.StringList("weights"), a.String("group_dependency")));
        register(RandomRankedFilterPrunerAgp.ClassName, (c, a) => new RandomRankedFilterPrunerAgp(c.InstanceName,
            a.Float("initial_sparsity"), a.Float("final_sparsity"), a.String("group_type")!, a.StringList("weights"), a.String("group_dependency")));
        register(BernoulliFilterPrunerAgp.ClassName, (c, a) => new BernoulliFilterPrunerAgp(c.InstanceName,
            a.Float("initial_sparsity"), a.Float("final_sparsity"), a.String("group_type")!, a.StringList("weights"), a.String("group_dependency")));

        register(RandomLevelStructureParameterPruner.ClassName, (c, a) => new RandomLevelStructureParameterPruner(c.InstanceName,
            a.String("group_type")!, a.FloatList("sparsity_range"), a.StringList("weights"), a.String("group_dependency"), BlockShapeOf(a)));
        register("BaiduRNNPruner", (c, a) => new BaiduRNNPruner(c.InstanceName,
            a.Float("q"), a.Int("ramp_epoch_offset"), a.Float("ramp_slope_mult"), a.StringList("weights")));
        register(StructureParameterPruner.ClassName, (c, a) => new StructureParameterPruner(c.InstanceName, c.Model,
            a.GroupMap("reg_regims")!.ToDictionary(e => e.Key, e => new StructureThreshold(e.Value.Value, e.Value.GroupType), StringComparer.Ordinal),
            a.String("threshold_criteria")!));
    }

    /// <summary><c>kwargs: { block_shape: [r, d, h, w] }</c> → <see cref="BlockShape"/>; null without one.</summary>
    private static BlockShape? BlockShapeOf(ComponentArguments arguments)
    {
        if (arguments.Map("kwargs") is not { } kwargs || !kwargs.TryGetValue("block_shape", out var value) || value is null)
            return null;
        var items = value as System.Collections.IList
            ?? throw new ArgumentException($"kwargs.block_shape must be a list of 4 whole numbers; got {ArgumentMap.Format(value)}.", "block_shape");
        return BlockShape.FromList(items.Cast<object?>().Select(v => v is int i ? i
            : throw new ArgumentException($"kwargs.block_shape must hold whole numbers; got {ArgumentMap.Format(value)}.", "block_shape")).ToArray());
    }
}
