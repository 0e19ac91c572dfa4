using Distiller.Typed.Scheduling;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Scheduling.Loading;

/// <summary>A schedule loaded at run time reports every problem at once, each at its file(line,col).</summary>
public class LoadingProblemTests
{
    // Positions counted by hand (1-based line, column):
    //   line 7  "    weights: [features.module.3.weight, classifer.1.weight]"
    //           4 spaces, "weights" 5-11, ':' 12, ' ' 13, '[' 14, "features.module.3.weight" (24 chars) 15-38, ',' 39, ' ' 40 → "classifer..." at 41
    //   line 12 "      'features.0.wieght': [0.0001, '2D']"  → 6 spaces, the quoted key at 7
    //   line 13 "      'features.6.weight': [0.0001, '3d']"
    //           key 7-25 (19 chars with quotes), ':' 26, ' ' 27, '[' 28, "0.0001" 29-34, ',' 35, ' ' 36 → "'3d'" at 37
    private const string ThreeProblems = """
        version: 1
        pruners:
          agp:
            class: AutomatedGradualPruner
            initial_sparsity: 0.05
            final_sparsity: 0.5
            weights: [features.module.3.weight, classifer.1.weight]
        regularizers:
          lasso:
            class: GroupLassoRegularizer
            reg_regims:
              'features.0.wieght': [0.0001, '2D']
              'features.6.weight': [0.0001, '3d']
            threshold_criteria: Mean_Abs
        policies:
          - pruner:
              instance_name: agp
            starting_epoch: 0
            ending_epoch: 10
            frequency: 2
          - regularizer:
              instance_name: lasso
            starting_epoch: 0
            ending_epoch: 10
            frequency: 1
        """;

    [Fact]
    public void TwoMisspelledNamesAndAWrongGroupTypeAreReportedTogetherEachAtItsPosition()
    {
        using var model = new LoadingModels.AlexNetLike();
        var e = Assert.Throws<ScheduleException>(() => CompressionSchedulerLoader.FromYaml(model, null, ThreeProblems, "prune.yaml"));

        Assert.True(3 == e.Problems.Count, e.Message);
        Assert.All(e.Problems, p => Assert.Equal("prune.yaml", p.Path));
        Assert.Equal(new[] { (7, 41), (12, 7), (13, 37) }, e.Problems.Select(p => (p.Span!.Value.Line, p.Span!.Value.Column)));

        Assert.Equal("prune.yaml(7,41): error DTS101: 'classifer.1.weight' is not a parameter of AlexNetLike; did you mean 'classifier.1.weight'? (in 'weights' of AutomatedGradualPruner 'agp')", e.Problems[0].ToString());
        Assert.Equal("prune.yaml(12,7): error DTS101: 'features.0.wieght' is not a parameter of AlexNetLike; did you mean 'features.0.weight'? (in 'reg_regims' of GroupLassoRegularizer 'lasso')", e.Problems[1].ToString());
        Assert.StartsWith("prune.yaml(13,37): error DTS", e.Problems[2].ToString());
        Assert.Contains("'3d'", e.Problems[2].Message);
        Assert.Contains("'3D'", e.Problems[2].Message);
        // The exception's message lists all three.
        Assert.Contains("(3 problems)", e.Message);
        Assert.Contains("prune.yaml(7,41)", e.Message);
        Assert.Contains("prune.yaml(12,7)", e.Message);
        Assert.Contains("prune.yaml(13,37)", e.Message);
    }

    [Fact]
    public void DataParallelModulePrefixesAreNormalisedOnlyWhereTheModelLacksTheName()
    {
        const string yaml = """
            version: 1
            pruners:
              agp:
                class: AutomatedGradualPruner
                initial_sparsity: 0.05
                final_sparsity: 0.5
                weights: [features.module.3.weight, module.classifier.1.weight, classifier.4.weight]
            policies:
              - pruner:
                  instance_name: agp
                starting_epoch: 0
                ending_epoch: 10
                frequency: 2
            """;
        using var model = new LoadingModels.AlexNetLike();
        using var scheduler = CompressionSchedulerLoader.FromYaml(model, null, yaml, "dp.yaml");
        var pruner = ((Distiller.Typed.Policies.PruningPolicy)scheduler.Policies[0].Policy).Pruner;
        Assert.Equal(new[] { "classifier.1.weight", "classifier.4.weight", "features.3.weight" }, pruner.ParameterNames.OrderBy(n => n));
    }

    [Fact]
    public void AnLrSchedulerWithoutAnOptimizerIsAnErrorAtItsDeclaration()
    {
        // line 4 "  decay:" → the instance name at column 3
        const string yaml = """
            version: 1

            lr_schedulers:
              decay:
                class: ExponentialLR
                gamma: 0.9
            policies:
              - lr_scheduler:
                  instance_name: decay
                starting_epoch: 0
                ending_epoch: 10
                frequency: 1
            """;
        using var model = new LoadingModels.AlexNetLike();
        var e = Assert.Throws<ScheduleException>(() => CompressionSchedulerLoader.FromYaml(model, null, yaml, "lr.yaml"));
        var problem = Assert.Single(e.Problems);
        Assert.Equal("lr.yaml(4,3): ExponentialLR 'decay' needs the training optimizer, but the schedule is built without one (optimizer: null).", problem.ToString());
    }

    [Fact]
    public void DistillersPolynomialLrNeedsItsPower()
    {
        // T_max selects distiller.learning_rate.PolynomialLR(optimizer, T_max, power, last_epoch=-1): power has no default.
        const string yaml = """
            version: 1
            lr_schedulers:
              poly:
                class: PolynomialLR
                T_max: 10
            policies:
              - lr_scheduler:
                  instance_name: poly
                starting_epoch: 0
                ending_epoch: 10
                frequency: 1
            """;
        using var model = new LoadingModels.AlexNetLike();
        var e = Assert.Throws<ScheduleException>(() => CompressionSchedulerLoader.FromYaml(model, optim.SGD(model.parameters(), 0.1), yaml, "poly.yaml"));
        var problem = Assert.Single(e.Problems);
        // The loader's model-free check (the Sdk validator) finds it at T_max, line 5, before anything is built.
        Assert.Equal("poly.yaml(5,5): error DTS034: 'poly' (PolynomialLR): 'T_max' selects distiller.learning_rate.PolynomialLR, which needs 'power' (number): Degree of the polynomial.",
            problem.ToString());
    }

    [Fact]
    public void AThinningExtensionsBadArgumentIsReportedAtItsLineAndTheExtensionNeedsTheOptimizer()
    {
        // line 5 "    thinning_func_str: remove_filter" → 4 spaces + "thinning_func_str: " (19) → the value at column 24
        const string yaml = """
            version: 1
            extensions:
              remover:
                class: FilterRemover
                thinning_func_str: remove_filter
                arch: resnet20_cifar
                dataset: cifar10
            policies:
              - extension:
                  instance_name: remover
                epochs: [10]
            """;
        using var model = new LoadingModels.AlexNetLike();
        var e = Assert.Throws<ScheduleException>(() => CompressionSchedulerLoader.FromYaml(model, null, yaml, "thin.yaml"));
        // The compiler's DTS028, at the value.
        Assert.StartsWith("thin.yaml(5,24): error DTS028: 'thinning_func_str' of 'remover' (FilterRemover) is 'remove_filter'; did you mean 'remove_filters'?",
            Assert.Single(e.Problems).ToString());

        // Spelt right, it still needs the optimizer: thinning shrinks its momentum buffers (line 3 "  remover:", column 3).
        var noOptimizer = Assert.Throws<ScheduleException>(() => CompressionSchedulerLoader.FromYaml(model, null, yaml.Replace("remove_filter", "remove_filters"), "thin.yaml"));
        Assert.StartsWith("thin.yaml(3,3): FilterRemover 'remover' needs the training optimizer", Assert.Single(noOptimizer.Problems).ToString());
    }

    [Fact]
    public void OverridePatternsThatMatchNoModuleAreReported()
    {
        // line 7 "      features\.1[0-9]:" matches features.10, .11, .12 — no problem.
        // line 9 "      classifer\.6:" → 6 spaces, the key at column 7: matches nothing.
        const string yaml = """
            version: 1
            quantizers:
              q:
                class: DorefaQuantizer
                bits_weights: 4
                overrides:
                  features\.1[0-9]:
                    bits_weights: 8
                  classifer\.6:
                    bits_weights: 8
            policies:
              - quantizer:
                  instance_name: q
                starting_epoch: 0
                ending_epoch: 10
                frequency: 1
            """;
        using var model = new LoadingModels.AlexNetLike();
        var optimizer = optim.SGD(model.parameters(), 0.1);
        var e = Assert.Throws<ScheduleException>(() => CompressionSchedulerLoader.FromYaml(model, optimizer, yaml, "o.yaml"));
        Assert.StartsWith(@"o.yaml(9,7): error DTS103: 'classifer\.6' matches no module of AlexNetLike", Assert.Single(e.Problems).ToString());
    }

    [Fact]
    public void ASpecBuiltInCodeWithAMistypedArgumentNamesTheArgumentTheClassAndTheValidForm()
    {
        var spec = new ScheduleSpec()
            .Add(new ComponentSpec(Distiller.Typed.Schedules.ScheduleSection.Pruners, "agp", "AutomatedGradualPruner", new ArgumentMap()
                .Add("initial_sparsity", "five percent")
                .Add("final_sparsity", 0.5)
                .Add("weights", new List<object?> { "features.3.weight" })))
            .Add(new PolicySpec(Distiller.Typed.Schedules.ScheduleSection.Pruners, "agp", new ArgumentMap(), 0, 10, 2, null));
        using var model = new LoadingModels.AlexNetLike();
        var e = Assert.Throws<ScheduleException>(() => ScheduleBuilder.Build(model, null, spec));
        // The compiler's DTS026 and message; a spec built in code has no position.
        var problem = Assert.Single(e.Problems);
        Assert.StartsWith("error DTS026: 'initial_sparsity' of 'agp' (AutomatedGradualPruner) must be a number, but is a string", problem.Message);
        Assert.Null(problem.Span);
    }

    [Fact]
    public void ASpecBuiltInCodeIsCheckedByTheCompilersValidatorAtItsRecordedPosition()
    {
        // final_sparsity <= initial_sparsity: the pruner's constructor would reject it, but the validator (DTS030) does
        // first, as the compiler does for the YAML.
        var spec = new ScheduleSpec("code")
            .Add(new ComponentSpec(Distiller.Typed.Schedules.ScheduleSection.Pruners, "agp", "AutomatedGradualPruner", new ArgumentMap()
                .Add("initial_sparsity", 0.5)
                .Add("final_sparsity", 0.25)
                .Add("weights", new List<object?> { "features.3.weight" })) { Span = new Distiller.Typed.Schedules.SourceSpan(0, 3, 3, 3, 3, 6) })
            .Add(new PolicySpec(Distiller.Typed.Schedules.ScheduleSection.Pruners, "agp", new ArgumentMap(), 0, 10, 2, null));
        using var model = new LoadingModels.AlexNetLike();
        var e = Assert.Throws<ScheduleException>(() => ScheduleBuilder.Build(model, null, spec));
        var problem = Assert.Single(e.Problems);
        Assert.Equal("code(3,3): error DTS030: initial_sparsity (0.5) must be less than final_sparsity (0.25); AGP prunes from the initial to the final level", problem.ToString());
    }
}

/// <summary>Structural checks and the activation hooks of pruners built from a schedule.</summary>
public class LoadedPrunerTests
{
    [Fact]
    public void AGroupTypeTheWeightCannotBeCutIntoIsAProblemAtThePruner()
    {
        // Channels pruning of a Linear weight is fine, but Filters/3D pruning needs a 4-D weight: classifier.1.weight is 2-D.
        // line 3 "  filters:" → column 3
        const string yaml = """
            version: 1
            pruners:
              filters:
                class: L1RankedStructureParameterPruner_AGP
                initial_sparsity: 0.1
                final_sparsity: 0.5
                group_type: Filters
                weights: [features.3.weight, classifier.1.weight]
            policies:
              - pruner:
                  instance_name: filters
                starting_epoch: 0
                ending_epoch: 10
                frequency: 2
            """;
        using var model = new LoadingModels.AlexNetLike();
        var e = Assert.Throws<ScheduleException>(() => CompressionSchedulerLoader.FromYaml(model, null, yaml, "f.yaml"));
        var problem = Assert.Single(e.Problems);
        Assert.StartsWith("f.yaml(3,3): ", problem.ToString());
        Assert.Contains("classifier.1.weight", problem.Message);
    }

    [Fact]
    public void ActivationRankedPrunersObserveTheModelUntilTheSchedulerIsDisposed()
    {
        const string yaml = """
            version: 1
            pruners:
              apoz:
                class: ActivationMeanRankedFilterPruner
                group_type: Filters
                desired_sparsity: 0.5
                weights: [features.3.weight]
            policies:
              - pruner:
                  instance_name: apoz
                starting_epoch: 0
                ending_epoch: 10
                frequency: 2
            """;
        using var scope = NewDisposeScope();
        using var model = new LoadingModels.AlexNetLike();
        var scheduler = CompressionSchedulerLoader.FromYaml(model, null, yaml, "a.yaml");
        var pruner = Assert.IsType<Distiller.Typed.Pruning.ActivationMeanRankedFilterPruner>(((Distiller.Typed.Policies.PruningPolicy)scheduler.Policies[0].Policy).Pruner);
        using var input = randn(2, 3, 16, 16);

        model.call(input);
        using (var mean = pruner.Statistics.Value("features.3.weight"))
            Assert.Equal(new long[] { 12 }, mean!.shape); // one mean per output channel of features.3

        scheduler.Dispose();
        pruner.Statistics.Reset();
        model.call(input);
        Assert.Null(pruner.Statistics.Value("features.3.weight")); // the hook went with the scheduler
    }
}

/// <summary>Specs built in code, which no YAML reader saw, go through the same validator.</summary>
public class SpecArgumentTests
{
    [Fact]
    public void UnknownMissingAndMisplacedArgumentsAreAllReported()
    {
        var spec = new ScheduleSpec()
            .Add(new ComponentSpec(Distiller.Typed.Schedules.ScheduleSection.Pruners, "agp", "AutomatedGradualPruner", new ArgumentMap()
                .Add("initial_sparsity", 0.05)
                .Add("final_sparsity", 0.5)
                .Add("wieghts", new List<object?> { "features.3.weight" })))
            .Add(new ComponentSpec(Distiller.Typed.Schedules.ScheduleSection.Regularizers, "l1", "L1Regularizer", new ArgumentMap()
                .Add("reg_regims", new ArgumentMap().Add("*", 0.001))))
            .Add(new PolicySpec(Distiller.Typed.Schedules.ScheduleSection.Pruners, "agp", new ArgumentMap().Add("keep_mask", "yes"), 0, 10, 2, null))
            .Add(new PolicySpec(Distiller.Typed.Schedules.ScheduleSection.Regularizers, "l2", new ArgumentMap(), 0, 10, 1, null));
        using var model = new LoadingModels.AlexNetLike();
        var e = Assert.Throws<ScheduleException>(() => ScheduleBuilder.Build(model, null, spec));
        var messages = e.Problems.Select(p => p.Message).ToList();
        // The compiler's ids and messages; 'wieghts' is one mistake, so 'weights' is not also reported missing.
        Assert.Equal(["DTS024", "DTS038", "DTS020", "DTS026"], messages.Select(m => m.Split(':')[0].Replace("error ", "")));
        Assert.Contains("error DTS024: 'agp' (AutomatedGradualPruner) has no argument 'wieghts'; did you mean 'weights'?; valid arguments are 'initial_sparsity', 'final_sparsity', 'weights'", messages);
        Assert.Contains("error DTS038: 'reg_regims' of 'l1' (L1Regularizer) does not accept '*' (a default for every parameter); list the parameters by name", messages);
        Assert.Contains(messages, m => m.StartsWith("error DTS026: 'keep_mask'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("error DTS020:", StringComparison.Ordinal) && m.Contains("'l2'", StringComparison.Ordinal));
    }
}
