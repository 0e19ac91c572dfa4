using Distiller.Typed.Catalogue;
using Distiller.Typed.LearningRate;
using Distiller.Typed.Schedules;
using TorchSharp;

namespace Distiller.Typed.Tests.LearningRate;

public class LrSchedulerFactoryTests
{
    private static ArgumentException Fails(string className, Dictionary<string, object?> args)
    {
        using var h = new LrHarness();
        return Assert.ThrowsAny<ArgumentException>(() => LrSchedulerFactory.Create(className, args, h.Optimizer));
    }

    [Fact]
    public void UnknownClassListsTheValidOnes()
    {
        var e = Fails("StepLr", new() { ["step_size"] = 2 });
        Assert.Contains("'StepLr'", e.Message);
        Assert.Contains("Did you mean 'StepLR'", e.Message);
        Assert.Contains("MultiStepMultiGammaLR", e.Message);
    }

    [Fact]
    public void UnknownArgumentNamesTheSchedulerAndTheValidArguments()
    {
        var e = Fails("StepLR", new() { ["step_size"] = 2, ["gama"] = 0.1 });
        Assert.Contains("StepLR", e.Message);
        Assert.Contains("'gama'", e.Message);
        Assert.Contains("step_size, gamma, last_epoch, verbose", e.Message);
    }

    [Fact]
    public void MissingRequiredArgumentAndWrongTypesAreNamed()
    {
        Assert.Contains("'step_size'", Fails("StepLR", new() { ["gamma"] = 0.1 }).Message);
        Assert.Contains("must be an integer", Fails("StepLR", new() { ["step_size"] = 2.5 }).Message);
        Assert.Contains("must be an integer > 0", Fails("StepLR", new() { ["step_size"] = 0 }).Message);
        Assert.Contains("must be a number", Fails("ExponentialLR", new() { ["gamma"] = "fast" }).Message);
        Assert.Contains("'min', 'max'", Fails("ReduceLROnPlateau", new() { ["mode"] = "minimum" }).Message);
        Assert.Contains("list of integers", Fails("MultiStepLR", new() { ["milestones"] = 3 }).Message);
        Assert.Contains("parameter group", Fails("ReduceLROnPlateau", new() { ["min_lr"] = new[] { 0.1, 0.2 } }).Message);
    }

    [Fact]
    public void FunctionAndObjectArgumentsAreExcludedWithTheReason()
    {
        Assert.Contains("function", Fails("LambdaLR", new() { ["lr_lambda"] = "lambda e: 0.9" }).Message);
        Assert.Contains("function", Fails("MultiplicativeLR", new()).Message);
        Assert.Contains("scheduler objects", Fails("SequentialLR", new()).Message);
        Assert.Contains("scheduler objects", Fails("ChainedScheduler", new()).Message);
    }

    [Fact]
    public void PolynomialLRNameClashIsResolvedByTheArguments()
    {
        using var h = new LrHarness();
        Assert.IsType<PolynomialLR>(LrSchedulerFactory.Create("PolynomialLR", new Dictionary<string, object?> { ["T_max"] = 10, ["power"] = 2 }, h.Optimizer));
        Assert.IsType<torch.optim.lr_scheduler.impl.PolynomialLR>(LrSchedulerFactory.Create("PolynomialLR", new Dictionary<string, object?> { ["total_iters"] = 10 }, h.Optimizer));
        Assert.IsType<PolynomialLR>(LrSchedulerFactory.Create("distiller.learning_rate.PolynomialLR", new Dictionary<string, object?> { ["T_max"] = 10, ["power"] = 1 }, h.Optimizer));
        Assert.Contains("both 'T_max'", Fails("PolynomialLR", new() { ["T_max"] = 10, ["total_iters"] = 3 }).Message);
        // Distiller's takes no 'verbose'; torch's no 'T_max'
        Assert.Contains("Valid arguments: T_max, power, last_epoch", Fails("PolynomialLR", new() { ["T_max"] = 10, ["power"] = 1, ["verbose"] = true }).Message);
    }

    [Fact]
    public void ResumedEpochIsPassedAsLastEpochWhereTheClassTakesOne()
    {
        using var h = new LrHarness(lr: 0.1);
        // Distiller's PolynomialLR built with resumed epoch 1 steps to epoch 2: 0.1 * (1 - 2/4)^1 = 0.05 (overrides YAML's 0)
        var sched = (PolynomialLR)LrSchedulerFactory.Create("PolynomialLR",
            new Dictionary<string, object?> { ["T_max"] = 4, ["power"] = 1, ["last_epoch"] = 0 }, h.Optimizer, resumedEpoch: 1);
        Assert.Equal(2, sched.LastEpoch);
        Assert.Equal(0.05, h.Optimizer.ParamGroups.First().LearningRate, 15);
        // ReduceLROnPlateau takes no last_epoch: the resumed epoch is filtered out, as Distiller's filter_kwargs does.
        Assert.IsType<torch.optim.lr_scheduler.impl.ReduceLROnPlateau>(
            LrSchedulerFactory.Create("ReduceLROnPlateau", new Dictionary<string, object?>(), h.Optimizer, resumedEpoch: 5));
    }

    [Fact]
    public void YamlScalarsAsTextAreAccepted()
    {
        using var h = new LrHarness(lr: 1.0);
        var sched = LrSchedulerFactory.Create("StepLR", new Dictionary<string, object?> { ["step_size"] = "1", ["gamma"] = "0.5", ["verbose"] = "false" }, h.Optimizer);
        sched.step(2);
        Assert.Equal(0.25, h.Optimizer.ParamGroups.First().LearningRate, 15);
    }

    [Fact]
    public void CatalogueRangesAndDistillersRequiredPowerAreEnforced()
    {
        // torch: ReduceLROnPlateau raises for factor >= 1.0; the catalogue's range is (0, 1).
        Assert.Contains("'factor' must be a number in (0, 1)", Fails("ReduceLROnPlateau", new() { ["factor"] = 1.5 }).Message);
        // Distiller's PolynomialLR(optimizer, T_max, power, last_epoch=-1): power has no default there (torch's has 1.0).
        var e = Fails("PolynomialLR", new() { ["T_max"] = 10 });
        Assert.Contains("distiller.learning_rate.PolynomialLR", e.Message);
        Assert.Contains("requires the argument 'power'", e.Message);
        Assert.Contains("each >= 0", Fails("MultiStepLR", new() { ["milestones"] = new[] { 2, -1 } }).Message);
    }

    [Fact]
    public void QualifiedNamesMustMatchTheClassesOrigin()
    {
        using var h = new LrHarness(lr: 1.0);
        LrSchedulerFactory.Create("torch.optim.lr_scheduler.StepLR", new Dictionary<string, object?> { ["step_size"] = 1, ["gamma"] = 0.5 }, h.Optimizer).step(1);
        Assert.Equal(0.5, h.Lr, 15); // 1.0 × 0.5^⌊1/1⌋
        Assert.IsType<MultiStepMultiGammaLR>(LrSchedulerFactory.Create("distiller.learning_rate.MultiStepMultiGammaLR",
            new Dictionary<string, object?> { ["milestones"] = new[] { 1 }, ["gammas"] = new[] { 0.5 } }, h.Optimizer));
        Assert.Contains("Unknown LR scheduler class 'torch.optim.lr_scheduler.MultiStepMultiGammaLR'",
            Fails("torch.optim.lr_scheduler.MultiStepMultiGammaLR", new() { ["milestones"] = new[] { 1 }, ["gammas"] = new[] { 0.5 } }).Message);
        Assert.Contains("'total_iters'", Fails("distiller.learning_rate.PolynomialLR", new() { ["total_iters"] = 3, ["power"] = 1 }).Message);
    }

    [Fact]
    public void DeprecatedVerboseAndWarmRestartsAreAccepted()
    {
        using var h = new LrHarness(lr: 1.0);
        // ConstantLR with verbose: the factor applies before total_iters: 1.0 × 0.5.
        LrSchedulerFactory.Create("ConstantLR", new Dictionary<string, object?> { ["factor"] = 0.5, ["total_iters"] = 2, ["verbose"] = false }, h.Optimizer);
        Assert.Equal(0.5, h.Lr, 15);
        // total_iters 0 is refused: torch's recursive ConstantLR would scale by factor at epoch 0 and never undo it.
        Assert.Contains("'total_iters' must be an integer > 0", Fails("ConstantLR", new() { ["total_iters"] = 0 }).Message);
        using var h2 = new LrHarness(lr: 1.0);
        var sgdr = Assert.IsType<CosineAnnealingWarmRestarts>(LrSchedulerFactory.Create("CosineAnnealingWarmRestarts",
            new Dictionary<string, object?> { ["T_0"] = 3, ["verbose"] = true }, h2.Optimizer));
        Assert.Equal((3, 1, 0.0), (sgdr.T0, sgdr.TMult, sgdr.EtaMin)); // catalogue defaults T_mult 1, eta_min 0.0
        Assert.Contains("'T_mult' must be an integer >= 1", Fails("CosineAnnealingWarmRestarts", new() { ["T_0"] = 3, ["T_mult"] = 0 }).Message);
    }

    [Fact]
    public void EveryCatalogueEntryIsEitherBuildableOrExplained()
    {
        var lrSchedulers = ComponentCatalogue.InSection(ScheduleSection.LrSchedulers).ToList();
        foreach (var d in lrSchedulers)
        {
            Assert.NotEmpty(d.Parameters);
            Assert.Equal(d.Parameters.Count, d.Parameters.Select(p => p.Name).Distinct().Count());
            // Required exactly when there is no default; except PolynomialLR's T_max, optional because it selects Distiller's variant.
            Assert.All(d.Parameters, p => Assert.Equal(p.Required, p.Default is null && !d.Variants.Any(v => v.SelectedBy == p.Name)));
            Assert.All(d.Variants.SelectMany(v => v.Parameters), p => Assert.Equal(p.Required, p.Default is null));
        }
        Assert.All(ComponentCatalogue.Unsupported.Where(u => u.Section == ScheduleSection.LrSchedulers), u => Assert.True(u.Reason.Length > 10, u.ClassName));
        Assert.Equal(
            new[] { "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "ReduceLROnPlateau", "CyclicLR", "OneCycleLR", "PolynomialLR", "MultiStepMultiGammaLR", "LinearLR", "ConstantLR", "CosineAnnealingWarmRestarts" }.Order(),
            lrSchedulers.Select(d => d.ClassName).Order());
    }
}
