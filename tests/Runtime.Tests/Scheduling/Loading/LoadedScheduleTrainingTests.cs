using Distiller.Typed.Policies;
using Distiller.Typed.Schedules;
using Distiller.Typed.Scheduling;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Scheduling.Loading;

/// <summary>A schedule loaded at run time drives a training loop; a spec written in code builds the same scheduler.</summary>
public class LoadedScheduleTrainingTests
{
    private const string AgpSchedule = """
        version: 1
        pruners:
          agp:
            class: AutomatedGradualPruner
            initial_sparsity: 0.1
            final_sparsity: 0.5
            weights: [features.module.3.weight, classifier.1.weight]
        lr_schedulers:
          decay:
            class: StepLR
            step_size: 2
            gamma: 0.5
        policies:
          - pruner:
              instance_name: agp
            starting_epoch: 0
            ending_epoch: 4
            frequency: 1
          - lr_scheduler:
              instance_name: decay
            starting_epoch: 0
            ending_epoch: 5
            frequency: 1
        """;

    private static void TrainEpoch(CompressionScheduler scheduler, nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, int epoch, Tensor x, Tensor y)
    {
        const int minibatches = 2;
        scheduler.OnEpochBegin(epoch);
        for (int mb = 0; mb < minibatches; mb++)
        {
            using var step = NewDisposeScope();
            scheduler.OnMinibatchBegin(epoch, mb, minibatches);
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(x[mb]), y[mb]);
            scheduler.BeforeBackwardPass(epoch, mb, minibatches, loss).OverallLoss.backward();
            scheduler.BeforeParameterOptimization(epoch, mb, minibatches);
            optimizer.step();
            scheduler.OnMinibatchEnd(epoch, mb, minibatches);
        }
        scheduler.OnEpochEnd(epoch);
    }

    [Fact]
    public void AgpScheduleLoadedFromYamlPrunesToTheExactLevelsAndDecaysTheLearningRate()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        using var model = new LoadingModels.AlexNetLike();
        var optimizer = optim.SGD(model.parameters(), 0.01, momentum: 0.9);
        using var scheduler = CompressionSchedulerLoader.FromYaml(model, optimizer, AgpSchedule, "agp.yaml");
        var x = randn(new long[] { 2, 8, 3, 16, 16 });
        var y = randint(0, 10, new long[] { 2, 8 });
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        long Zeros(string name) => parameters[name].logical_not().sum().ToInt64();

        TrainEpoch(scheduler, model, optimizer, 0, x, y);
        TrainEpoch(scheduler, model, optimizer, 1, x, y);
        // span = ((4 - 0 - 1) // 1) * 1 = 3; at epoch 1: 0.5 + (0.1 - 0.5)(1 - 1/3)^3 = 0.5 - 0.4 × 8/27 = 0.381481…
        // features.3.weight: 12×8×3×3 = 864 → int(432 − 102.4) = int(329.6) = 329
        // classifier.1.weight: 64×48 = 3072 → int(1536 − 364.09) = int(1171.91) = 1171
        Assert.Equal(329, Zeros("features.3.weight"));
        Assert.Equal(1171, Zeros("classifier.1.weight"));

        for (int epoch = 2; epoch < 5; epoch++)
            TrainEpoch(scheduler, model, optimizer, epoch, x, y);
        // epoch 3 reaches final_sparsity 0.5: int(0.5 × 864) = 432, int(0.5 × 3072) = 1536; epoch 4 keeps the masks.
        Assert.Equal(432, Zeros("features.3.weight"));
        Assert.Equal(1536, Zeros("classifier.1.weight"));
        Assert.Equal(0, Zeros("features.0.weight")); // not in the schedule
        // StepLR(step_size 2, gamma 0.5) stepped at the end of epochs 0..4: 0.01 × 0.5^(5 // 2) = 0.0025 (lr 0.01: random data at 0.1 can diverge)
        Assert.Equal(0.0025, optimizer.ParamGroups.First().LearningRate, 12);
    }

    [Fact]
    public void ASpecWrittenInCodeBuildsTheSameSchedulerAsTheYaml()
    {
        static ArgumentMap Map(params (string Key, object? Value)[] entries)
        {
            var map = new ArgumentMap();
            foreach (var (key, value) in entries)
                map.Add(key, value);
            return map;
        }
        static List<object?> Pair(double strength, string group) => new() { strength, group };

        // alexnet.schedule_mixed.yaml, written by hand with the model's own parameter names.
        var spec = new ScheduleSpec()
            .Add(new ComponentSpec(ScheduleSection.Pruners, "my_pruner", "SensitivityPruner", Map(("sensitivities", Map(
                ("features.0.weight", 0.25), ("features.3.weight", 0.35), ("features.6.weight", 0.40), ("features.8.weight", 0.45),
                ("features.10.weight", 0.55), ("classifier.1.weight", 0.875), ("classifier.4.weight", 0.875), ("classifier.6.weight", 0.625))))))
            .Add(new ComponentSpec(ScheduleSection.Regularizers, "2d_groups_regularizer", "GroupLassoRegularizer", Map(("reg_regims", Map(
                ("features.0.weight", Pair(0.000012, "2D")), ("features.3.weight", Pair(0.000012, "2D")), ("features.6.weight", Pair(0.000012, "2D")),
                ("features.8.weight", Pair(0.000012, "2D")), ("features.10.weight", Pair(0.000012, "2D")))))))
            .Add(new ComponentSpec(ScheduleSection.LrSchedulers, "pruning_lr", "ExponentialLR", Map(("gamma", 0.9))))
            .Add(new PolicySpec(ScheduleSection.Pruners, "my_pruner", new ArgumentMap(), 0, 38, 2, null))
            .Add(new PolicySpec(ScheduleSection.Regularizers, "2d_groups_regularizer", new ArgumentMap(), 0, 38, 1, null))
            .Add(new PolicySpec(ScheduleSection.LrSchedulers, "pruning_lr", new ArgumentMap(), 24, 200, 1, null));

        using var scope = NewDisposeScope();
        manual_seed(3);
        using var fromYamlModel = new LoadingModels.AlexNetLike();
        manual_seed(3);
        using var inCodeModel = new LoadingModels.AlexNetLike();
        var fromYamlOptimizer = optim.SGD(fromYamlModel.parameters(), 0.01);
        var inCodeOptimizer = optim.SGD(inCodeModel.parameters(), 0.01);
        using var fromYaml = CompressionSchedulerLoader.FromFile(fromYamlModel, fromYamlOptimizer, Path.Combine(LoadingModels.Schedules, "alexnet.schedule_mixed.yaml"));
        using var inCode = ScheduleBuilder.Build(inCodeModel, inCodeOptimizer, spec);

        Assert.Equal(Describe(fromYaml), Describe(inCode));

        var x = randn(new long[] { 2, 8, 3, 16, 16 });
        var y = randint(0, 10, new long[] { 2, 8 });
        TrainEpoch(fromYaml, fromYamlModel, fromYamlOptimizer, 0, x, y);
        TrainEpoch(inCode, inCodeModel, inCodeOptimizer, 0, x, y);
        foreach (var ((name, a), (_, b)) in fromYamlModel.named_parameters().Zip(inCodeModel.named_parameters()))
            Assert.True(TestModels.Same(a, b), name);
        foreach (var name in fromYaml.Masks.Keys)
        {
            var (a, b) = (fromYaml.Masks[name].Mask, inCode.Masks[name].Mask);
            Assert.Equal(a is null, b is null);
            if (a is not null)
                Assert.True(TestModels.Same(a, b!), name);
        }
    }

    private static IReadOnlyList<string> Describe(CompressionScheduler scheduler) => scheduler.Policies.Select(p => p.Policy switch
    {
        PruningPolicy pruning => $"pruning {pruning.Pruner.GetType().Name} '{pruning.Pruner.Name}' [{string.Join(",", pruning.Pruner.ParameterNames.Order())}] {pruning.Options} {p.Schedule}",
        RegularizationPolicy r => $"regularization {r.Regularizer.GetType().Name} '{r.Regularizer.Name}' [{string.Join(",", r.Regularizer.ParameterNames.Order())}] keep_mask={r.KeepMask} {p.Schedule}",
        LRPolicy lr => $"lr {lr.Scheduler.GetType().Name} '{lr.Name}' {p.Schedule}",
        var other => other.GetType().Name,
    }).ToList();
}

/// <summary>Distiller's <c>dict_config(..., resumed_epoch)</c>: LR schedulers are built with <c>last_epoch</c> = the resumed epoch.</summary>
public class ResumedEpochTests
{
    private const string Polynomial = """
        version: 1
        lr_schedulers:
          poly:
            class: PolynomialLR
            T_max: 10
            power: 1
        policies:
          - lr_scheduler:
              instance_name: poly
            starting_epoch: 0
            ending_epoch: 10
            frequency: 1
        """;

    [Theory]
    // Distiller's PolynomialLR: lr = 0.1 × (1 − epoch / 10); the constructor steps to last_epoch + 1.
    [InlineData(null, 0.1)]   // fresh: epoch 0 → 0.1 × 1
    [InlineData(4, 0.05)]     // resumed after epoch 4: epoch 5 → 0.1 × (1 − 5/10)
    public void TheResumedEpochIsTheLrSchedulersLastEpoch(int? resumedEpoch, double expectedLr)
    {
        using var model = new LoadingModels.AlexNetLike();
        var optimizer = optim.SGD(model.parameters(), 0.1);
        using var scheduler = CompressionSchedulerLoader.FromYaml(model, optimizer, Polynomial, "poly.yaml", resumedEpoch);
        Assert.Equal(expectedLr, optimizer.ParamGroups.First().LearningRate, 12);
    }
}

/// <summary>torch's CosineAnnealingWarmRestarts, which TorchSharp lacks, loads from YAML like any other LR scheduler.</summary>
public class CosineAnnealingWarmRestartsLoadingTests
{
    private const string Sgdr = """
        version: 1
        lr_schedulers:
          sgdr:
            class: CosineAnnealingWarmRestarts
            T_0: 4
            T_mult: 2
            eta_min: 0.01
        policies:
          - lr_scheduler:
              instance_name: sgdr
            starting_epoch: 0
            ending_epoch: 20
            frequency: 1
        """;

    [Theory]
    // Periods: epochs [0, 4) (T_i = 4), then [4, 12) (T_i = 8), then [12, 28). lr = 0.01 + (0.1 − 0.01)(1 + cos(π·T_cur/T_i))/2;
    // built with resumed epoch r the scheduler stands at epoch r + 1.
    [InlineData(null, 0.1)]                  // epoch 0: T_cur 0 → 0.01 + 0.09 × 1 = 0.1
    [InlineData(1, 0.055)]                   // epoch 2: T_cur 2, T_i 4 → cos(π/2) = 0 → 0.01 + 0.045
    [InlineData(4, 0.0965745789630079)]      // epoch 5: T_cur 1, T_i 8 → 0.01 + 0.09 × (1 + 0.9238795325)/2
    [InlineData(7, 0.055)]                   // epoch 8: T_cur 4, T_i 8 → cos(π/2) = 0
    [InlineData(11, 0.1)]                    // epoch 12: restart, T_cur 0
    public void LoadsAndFollowsSgdr(int? resumedEpoch, double expectedLr)
    {
        using var model = new LoadingModels.AlexNetLike();
        var optimizer = optim.SGD(model.parameters(), 0.1);
        using var scheduler = CompressionSchedulerLoader.FromYaml(model, optimizer, Sgdr, "sgdr.yaml", resumedEpoch);
        var policy = Assert.IsType<LRPolicy>(Assert.Single(scheduler.Policies).Policy);
        var sgdr = Assert.IsType<Distiller.Typed.LearningRate.CosineAnnealingWarmRestarts>(policy.Scheduler);
        Assert.Equal((4, 2, 0.01), (sgdr.T0, sgdr.TMult, sgdr.EtaMin));
        Assert.Equal(expectedLr, optimizer.ParamGroups.First().LearningRate, 12);
    }
}
