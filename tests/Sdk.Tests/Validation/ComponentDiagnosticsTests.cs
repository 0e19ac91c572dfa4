using Distiller.Typed.Diagnostics;
using static Distiller.Typed.Tests.Validation.Yaml;

namespace Distiller.Typed.Tests.Validation;

/// <summary>
/// Class and argument diagnostics (DTS021–DTS036, DTS040–DTS041), each triggered by a YAML written for it.
/// Columns are counted by hand: e.g. "    class: X" puts X at column 12 (4 spaces + "class: " = 11 characters).
/// </summary>
public class ComponentDiagnosticsTests
{
    // A valid AGP schedule; tests replace single lines of it.
    private static string[] Agp(string? line3 = null, string? line4 = null, string? line5 = null, string? line6 = null) => new[]
    {
        "pruners:",                                    // 1
        "  p:",                                        // 2
        line3 ?? "    class: AutomatedGradualPruner",  // 3
        line4 ?? "    initial_sparsity: 0.05",         // 4: value at column 23
        line5 ?? "    final_sparsity: 0.8",            // 5: value at column 21
        line6 ?? "    weights: [conv1.weight]",        // 6: value at column 14
        "policies:",                                   // 7
        "  - pruner: {instance_name: p}",              // 8
        "    starting_epoch: 0",                       // 9
        "    ending_epoch: 10",                        // 10
        "    frequency: 2",                            // 11
    };

    private static string[] WithPolicy(string policyKey, string instance, params string[] component) =>
        component.Concat(new[] { "policies:", $"  - {policyKey}: {{instance_name: {instance}}}", "    starting_epoch: 0", "    ending_epoch: 10", "    frequency: 1" }).ToArray();

    [Fact]
    public void ValidAgpScheduleHasNoDiagnostics() => Assert.Empty(Parse(Agp()).Diagnostics);

    [Fact]
    public void DTS021_UnknownClassSuggestsTheNearest()
    {
        var d = Only(Agp(line3: "    class: AutomatedGradualPrunr"));
        AssertAt(d, "DTS021", 3, 12);
        Assert.Contains("did you mean 'AutomatedGradualPruner'", d.Message);
        Assert.Contains("'SensitivityPruner'", d.Message); // lists the valid classes
    }

    [Fact]
    public void DTS021_UnknownClassNamesAClassOfAnotherSection()
    {
        var d = Only(Agp(line3: "    class: L1Regularizr"));
        AssertAt(d, "DTS021", 3, 12);
        Assert.Contains("did you mean 'L1Regularizer', a class of 'regularizers'", d.Message);
    }

    [Fact]
    public void DTS022_ClassOfAnotherSection()
    {
        var d = Only(Agp(line3: "    class: L1Regularizer"));
        AssertAt(d, "DTS022", 3, 12);
        Assert.Contains("'L1Regularizer' is a class of 'regularizers', not of 'pruners'", d.Message);
    }

    [Fact]
    public void DTS023_UnsupportedClassSaysWhy()
    {
        var d = Only(WithPolicy("lr_scheduler", "lr", "lr_schedulers:", "  lr:", "    class: LambdaLR"));
        AssertAt(d, "DTS023", 3, 12);
        Assert.Contains("Python function", d.Message);
    }

    [Fact]
    public void DTS024_UnknownArgumentSuggestsTheNearestAndListsTheValid()
    {
        // One mistake, one diagnostic: the misspelling, not also "needs the argument 'final_sparsity'".
        var unknown = Only(Agp(line5: "    final_sparsty: 0.8"));
        AssertAt(unknown, "DTS024", 5, 5);
        Assert.Contains("did you mean 'final_sparsity'", unknown.Message);
        Assert.Contains("valid arguments are 'initial_sparsity', 'final_sparsity', 'weights'", unknown.Message);
    }

    [Fact]
    public void DTS025_StillReportedWhenNoMisspeltKeyPointsAtTheMissingArgument()
    {
        // 'final_sparsty' explains the missing final_sparsity; nothing explains the missing 'weights'.
        var result = Parse(Agp(line5: "    final_sparsty: 0.8").Where((_, i) => i != 5).ToArray());
        Assert.Equal(["DTS025", "DTS024"], result.Diagnostics.Select(d => d.Id));
        Assert.Contains("needs the argument 'weights'", result.Diagnostics[0].Message);
    }

    [Fact]
    public void DTS025_MissingRequiredArgumentAtTheInstanceName()
    {
        var lines = Agp().Where((_, i) => i != 5).ToArray(); // drop line 6, weights
        var d = Only(lines);
        AssertAt(d, "DTS025", 2, 3);
        Assert.Contains("'weights' (list of parameter names", d.Message);
    }

    [Fact]
    public void DTS026_StringWhereANumberIsNeeded()
    {
        var d = Only(Agp(line4: "    initial_sparsity: high"));
        AssertAt(d, "DTS026", 4, 23);
        Assert.Contains("must be a number, but is a string ('high')", d.Message);
    }

    [Fact]
    public void DTS026_ScalarWhereAListIsNeeded()
    {
        var d = Only(Agp(line6: "    weights: conv1.weight"));
        AssertAt(d, "DTS026", 6, 14);
        Assert.Contains("must be a list of parameter names", d.Message);
    }

    [Fact]
    public void DTS026_ScalarWhereAMapIsNeeded()
    {
        var d = Only(WithPolicy("regularizer", "r", "regularizers:", "  r:", "    class: L1Regularizer", "    reg_regims: 0.1"));
        AssertAt(d, "DTS026", 4, 17); // "    reg_regims: " is 16 characters
        Assert.Contains("mapping of parameter names to numbers", d.Message);
    }

    [Fact]
    public void DTS026_NullForANonNullableArgument()
    {
        var d = Only(Agp(line5: "    final_sparsity: null"));
        AssertAt(d, "DTS026", 5, 21);
    }

    [Fact]
    public void DTS027_SparsityOutsideZeroToOne()
    {
        var d = Only(Agp(line5: "    final_sparsity: 1.0"));
        AssertAt(d, "DTS027", 5, 21);
        Assert.Contains("in [0, 1)", d.Message);
    }

    [Fact]
    public void DTS027_BitsOutsideOneToThirtyTwo()
    {
        var d = Only(WithPolicy("quantizer", "q", "quantizers:", "  q:", "    class: DorefaQuantizer", "    bits_weights: 33"));
        AssertAt(d, "DTS027", 4, 19); // "    bits_weights: " is 18 characters
        Assert.Contains("in [1, 32]", d.Message);
    }

    [Fact]
    public void DTS027_NegativeStrength()
    {
        var d = Only(WithPolicy("regularizer", "r", "regularizers:", "  r:", "    class: L1Regularizer", "    reg_regims:", "      conv1.weight: -0.1"));
        AssertAt(d, "DTS027", 5, 21); // "      conv1.weight: " is 20 characters
        Assert.Contains(">= 0", d.Message);
    }

    [Fact]
    public void DTS027_BitsInsideAnOverride()
    {
        var d = Only(WithPolicy("quantizer", "q", "quantizers:", "  q:", "    class: DorefaQuantizer", "    overrides:", "      conv1:", "        bits_weights: 0"));
        AssertAt(d, "DTS027", 6, 23); // "        bits_weights: " is 22 characters
    }

    [Fact]
    public void DTS027_NegativeDesiredSparsity()
    {
        var d = Only(
            "pruners:", "  p:", "    class: L1RankedStructureParameterPruner", "    group_type: Filters",
            "    desired_sparsity: -0.5", "    weights: [conv1.weight]", "policies:", "  - pruner: {instance_name: p}", "    epochs: [0]");
        AssertAt(d, "DTS027", 5, 23); // "    desired_sparsity: " is 22 characters
    }

    [Fact]
    public void DTS028_UnknownGroupTypeAndThresholdCriteria()
    {
        var result = Parse(WithPolicy("regularizer", "r", "regularizers:", "  r:", "    class: GroupLassoRegularizer", "    reg_regims:",
            "      conv1.weight: [0.00005, '5D']", // '5D' at column 31: 20 + "[0.00005, " (10)
            "    threshold_criteria: Mean_abs"));  // value at column 25
        Assert.Equal(2, result.Diagnostics.Count);
        var group = Assert.Single(result.Diagnostics, d => d.Span.Line == 5);
        AssertAt(group, "DTS028", 5, 31);
        Assert.Contains("'reg_regims'['conv1.weight'][1] of 'r' (GroupLassoRegularizer) is '5D'", group.Message);
        Assert.Contains("'Rows+Cols'", group.Message);
        var criteria = Assert.Single(result.Diagnostics, d => d.Span.Line == 6);
        AssertAt(criteria, "DTS028", 6, 25);
        Assert.Contains("did you mean 'Mean_Abs'", criteria.Message);
        Assert.Contains("valid values are 'Max', 'Mean_Abs'", criteria.Message);
    }

    [Fact]
    public void DTS028_QuantModeAndDTS024_DTS025_InsideAPerTensorMode()
    {
        var d = Only("quantizers:", "  q:", "    class: PostTrainLinearQuantizer", "    mode: symmetric");
        AssertAt(d, "DTS028", 4, 11);
        Assert.Contains("did you mean 'SYMMETRIC'", d.Message);
        var cli = Only("quantizers:", "  q:", "    class: PostTrainLinearQuantizer", "    mode: asym_u");
        AssertAt(cli, "DTS028", 4, 11);
        Assert.Contains("did you mean 'ASYMMETRIC_UNSIGNED' (Distiller's command line spells it 'asym_u')", cli.Message);

        // 'weight' is a misspelling of the required 'weights': one diagnostic; a mode without 'weights' gets DTS025.
        AssertAt(Only("quantizers:", "  q:", "    class: PostTrainLinearQuantizer", "    mode:", "      activations: ASYMMETRIC_UNSIGNED", "      weight: SYMMETRIC"), "DTS024", 6, 7);
        AssertAt(Only("quantizers:", "  q:", "    class: PostTrainLinearQuantizer", "    mode:", "      activations: ASYMMETRIC_UNSIGNED"), "DTS025", 5, 7); // the mode mapping starts there
    }

    [Fact]
    public void RegRegimsEntryOfL1MustBeANumberAndOfGroupLassoAList()
    {
        var l1 = Only(WithPolicy("regularizer", "r", "regularizers:", "  r:", "    class: L1Regularizer", "    reg_regims:", "      conv1.weight: [0.1, '2D']"));
        AssertAt(l1, "DTS026", 5, 21);
        var lasso = Only(WithPolicy("regularizer", "r", "regularizers:", "  r:", "    class: GroupLassoRegularizer", "    reg_regims:", "      conv1.weight: 0.1"));
        AssertAt(lasso, "DTS026", 5, 21);
        Assert.Contains("[number, group_type] list", lasso.Message);
    }

    [Fact]
    public void DTS029_ArgumentTheLoaderSupplies()
    {
        var lines = Agp().ToList();
        lines.Insert(6, "    model: resnet18"); // line 7
        var d = Only(lines.ToArray());
        AssertAt(d, "DTS029", 7, 5);
    }

    [Fact]
    public void DTS030_InitialSparsityNotBelowFinal()
    {
        var d = Only(Agp(line4: "    initial_sparsity: 0.5", line5: "    final_sparsity: 0.3"));
        AssertAt(d, "DTS030", 4, 23);
    }

    [Fact]
    public void DTS031_GroupLassoEntryWithOneItem()
    {
        var d = Only(WithPolicy("regularizer", "r", "regularizers:", "  r:", "    class: GroupLassoRegularizer", "    reg_regims:", "      conv1.weight: [0.00005]"));
        AssertAt(d, "DTS031", 5, 21);
    }

    [Fact]
    public void DTS031_OneGammaPerMilestone()
    {
        var d = Only(WithPolicy("lr_scheduler", "lr", "lr_schedulers:", "  lr:", "    class: MultiStepMultiGammaLR", "    milestones: [30, 60]", "    gammas: [0.1]"));
        AssertAt(d, "DTS031", 5, 13); // "    gammas: " is 12 characters
    }

    [Fact]
    public void DTS032_MagnitudePrunerNeedsADefaultThreshold()
    {
        var d = Only("pruners:", "  p:", "    class: MagnitudeParameterPruner", "    thresholds:", "      conv1.weight: 0.1",
            "policies:", "  - pruner: {instance_name: p}", "    epochs: [0]");
        AssertAt(d, "DTS032", 4, 5);
    }

    [Fact]
    public void DTS033_PolynomialLrTakesTMaxOrTotalItersNotBoth()
    {
        var d = Only(WithPolicy("lr_scheduler", "lr", "lr_schedulers:", "  lr:", "    class: PolynomialLR", "    T_max: 100", "    total_iters: 100", "    power: 2"));
        AssertAt(d, "DTS033", 5, 5);
        Assert.Empty(Parse(WithPolicy("lr_scheduler", "lr", "lr_schedulers:", "  lr:", "    class: PolynomialLR", "    T_max: 100", "    power: 2")).Diagnostics);
        Assert.Empty(Parse(WithPolicy("lr_scheduler", "lr", "lr_schedulers:", "  lr:", "    class: PolynomialLR", "    total_iters: 100", "    power: 2")).Diagnostics);
    }

    [Fact]
    public void PolynomialLrWithTMaxIsDistillersClass()
    {
        // Distiller's PolynomialLR(optimizer, T_max, power, last_epoch=-1): power has no default, and there is no verbose.
        var missing = Only(WithPolicy("lr_scheduler", "lr", "lr_schedulers:", "  lr:", "    class: PolynomialLR", "    T_max: 100"));
        AssertAt(missing, "DTS034", 4, 5);
        Assert.Contains("distiller.learning_rate.PolynomialLR", missing.Message);
        Assert.Contains("'power'", missing.Message);
        var verbose = Only(WithPolicy("lr_scheduler", "lr", "lr_schedulers:", "  lr:", "    class: PolynomialLR", "    T_max: 100", "    power: 1", "    verbose: false"));
        AssertAt(verbose, "DTS033", 6, 5);
        // torch's PolynomialLR(optimizer, total_iters=5, power=1.0, last_epoch=-1, verbose=...) has defaults for both.
        Assert.Empty(Parse(WithPolicy("lr_scheduler", "lr", "lr_schedulers:", "  lr:", "    class: PolynomialLR", "    verbose: false")).Diagnostics);
    }

    [Fact]
    public void DTS034_NStdClippingNeedsTheNumberOfStds()
    {
        var d = Only("quantizers:", "  q:", "    class: PostTrainLinearQuantizer", "    clip_acts: N_STD");
        AssertAt(d, "DTS034", 4, 16); // "    clip_acts: " is 15 characters
        Assert.Empty(Parse("quantizers:", "  q:", "    class: PostTrainLinearQuantizer", "    clip_acts: N_STD", "    clip_n_stds: 2").Diagnostics);
    }

    [Fact]
    public void DTS034_BlocksNeedABlockShape()
    {
        string[] Pruner(params string[] extra) => new[] { "pruners:", "  p:", "    class: L1RankedStructureParameterPruner", "    group_type: Blocks",
            "    desired_sparsity: 0.5", "    weights: [conv1.weight]" }.Concat(extra).Concat(new[] { "policies:", "  - pruner: {instance_name: p}", "    epochs: [0]" }).ToArray();
        AssertAt(Only(Pruner()), "DTS034", 4, 17);
        Assert.Empty(Parse(Pruner("    kwargs: {block_shape: [1, 8, 1, 1]}")).Diagnostics);
    }

    [Fact]
    public void DTS034_OneCycleNeedsItsLength()
    {
        var d = Only(WithPolicy("lr_scheduler", "lr", "lr_schedulers:", "  lr:", "    class: OneCycleLR", "    max_lr: 0.1"));
        AssertAt(d, "DTS034", 2, 3);
    }

    [Fact]
    public void DTS035_MilestonesMustIncrease()
    {
        var d = Only(WithPolicy("lr_scheduler", "lr", "lr_schedulers:", "  lr:", "    class: MultiStepMultiGammaLR", "    milestones: [30, 20]", "    gammas: [0.1, 0.1]"));
        AssertAt(d, "DTS035", 4, 22); // "    milestones: [" is 17 characters, "30, " 4 more
    }

    [Fact]
    public void DTS036_OverrideKeyThatIsNotARegularExpression()
    {
        var d = Only(WithPolicy("quantizer", "q", "quantizers:", "  q:", "    class: DorefaQuantizer", "    overrides:", "      'conv(1':", "        bits_weights: null"));
        AssertAt(d, "DTS036", 5, 7);
        Assert.Empty(Parse(WithPolicy("quantizer", "q", "quantizers:", "  q:", "    class: DorefaQuantizer", "    overrides:", "      'block1\\.conv*':", "        bits_weights: 2")).Diagnostics);
    }

    [Fact]
    public void UnknownOverrideSettingIsAnUnknownArgument()
    {
        var d = Only(WithPolicy("quantizer", "q", "quantizers:", "  q:", "    class: DorefaQuantizer", "    overrides:", "      conv1:", "        bits_weight: null"));
        AssertAt(d, "DTS024", 6, 9);
        Assert.Contains("the override 'conv1' of 'q' (DorefaQuantizer) has no argument 'bits_weight'; did you mean 'bits_weights'", d.Message);
    }

    [Fact]
    public void DTS040_MoreThanOneQuantizer()
    {
        var d = Only("quantizers:", "  q1:", "    class: DorefaQuantizer", "  q2:", "    class: WRPNQuantizer", "policies:",
            "  - quantizer: {instance_name: q1}", "    epochs: [0]", "  - quantizer: {instance_name: q2}", "    epochs: [0]");
        AssertAt(d, "DTS040", 4, 3);
    }

    [Fact]
    public void DTS041_MoreThanOneLrScheduler()
    {
        var d = Only("lr_schedulers:", "  a:", "    class: ExponentialLR", "    gamma: 0.9", "  b:", "    class: StepLR", "    step_size: 30", "policies:",
            "  - lr_scheduler: {instance_name: a}", "    epochs: [0]", "  - lr_scheduler: {instance_name: b}", "    epochs: [0]");
        AssertAt(d, "DTS041", 5, 3);
    }

    [Fact]
    public void FindingsAreErrorsExceptTheUnusedInstanceWarning()
    {
        Assert.Equal(ScheduleDiagnosticSeverity.Error, Only(Agp(line5: "    final_sparsity: 1.0")).Severity);
    }

    [Fact]
    public void DTS037_ArgumentTheRuntimeDoesNotSupport()
    {
        var d = Only("quantizers:", "  q:", "    class: PostTrainLinearQuantizer", "    fp16: true");
        AssertAt(d, "DTS037", 4, 5);
        Assert.Contains("'fp16' is a Distiller argument this runtime does not support (half-precision modules are not implemented)", d.Message);

        var entry = Only("quantizers:", "  q:", "    class: PostTrainLinearQuantizer", "    overrides:", "      conv1:", "        fake: true");
        AssertAt(entry, "DTS037", 6, 9);
    }

    [Fact]
    public void BitsAccumCannotBeNull()
    {
        var d = Only("quantizers:", "  q:", "    class: PostTrainLinearQuantizer", "    bits_accum: null");
        AssertAt(d, "DTS026", 4, 17);
    }

    // Distiller's thinning extension as its example schedules write it (examples/agp-pruning/resnet20_filters.schedule_agp.yaml).
    private static string[] Thinner(string line3 = "    class: 'FilterRemover'", string line4 = "    thinning_func_str: remove_filters") => new[]
    {
        "extensions:",                       // 1
        "  net_thinner:",                    // 2
        line3,                               // 3
        line4,                               // 4
        "    arch: 'resnet20_cifar'",        // 5
        "    dataset: 'cifar10'",            // 6
        "policies:",                         // 7
        "  - extension:",                    // 8
        "      instance_name: net_thinner",  // 9
        "    epochs: [30]",                  // 10
    };

    [Fact]
    public void ThinningExtensionsAreComponents()
    {
        Assert.Empty(Parse(Thinner()).Diagnostics);
        Assert.Empty(Parse(Thinner("    class: ChannelRemover", "    thinning_func_str: remove_channels")).Diagnostics);
        Assert.Empty(Parse(Thinner("    class: StructureRemover")).Diagnostics);
    }

    [Fact]
    public void ThinningExtensionWithAnUnknownThinningFunction()
    {
        var d = Only(Thinner(line4: "    thinning_func_str: remove_filter"));
        AssertAt(d, "DTS028", 4, 24); // "    thinning_func_str: " is 23 characters
        Assert.Contains("'thinning_func_str' of 'net_thinner' (FilterRemover) is 'remove_filter'", d.Message);
        Assert.Contains("did you mean 'remove_filters'", d.Message);
        Assert.Contains("valid values are 'remove_filters', 'remove_channels'", d.Message);
    }

    [Fact]
    public void ThinningExtensionWithAMisspeltClassOrAClassOfAnotherSection()
    {
        var misspelt = Only(Thinner(line3: "    class: FilterRemovr"));
        AssertAt(misspelt, "DTS021", 3, 12);
        Assert.Contains("did you mean 'FilterRemover'", misspelt.Message);
        Assert.Contains("'ChannelRemover'", misspelt.Message);

        var pruner = Only(Thinner(line3: "    class: AutomatedGradualPruner"));
        AssertAt(pruner, "DTS022", 3, 12);
        Assert.Contains("'AutomatedGradualPruner' is a class of 'pruners', not of 'extensions'", pruner.Message);
    }

    [Fact]
    public void ThinningExtensionNeedsItsArguments()
    {
        var d = Only("extensions:", "  t:", "    class: FilterRemover", "    thinning_func_str: remove_filters", "    arch: resnet20_cifar",
            "policies:", "  - extension: {instance_name: t}", "    epochs: [1]");
        AssertAt(d, "DTS025", 2, 3);
        Assert.Contains("'dataset'", d.Message);
        var dataset = Only(Thinner().Select(l => l.Replace("'cifar10'", "cifar100")).ToArray());
        AssertAt(dataset, "DTS028", 6, 14);
        Assert.Contains("valid values are 'cifar10', 'imagenet', 'mnist'", dataset.Message);
    }

    [Fact]
    public void DTS038_DefaultKeyWhereTheMapTakesNone()
    {
        var d = Only(WithPolicy("regularizer", "r", "regularizers:", "  r:", "    class: L1Regularizer", "    reg_regims:", "      '*': 0.001"));
        AssertAt(d, "DTS038", 5, 7);
        Assert.Contains("'reg_regims' of 'r' (L1Regularizer) does not accept '*'", d.Message);
    }

    [Fact]
    public void DTS034_TrainingQuantizerRulesTheRuntimeEnforces()
    {
        // QAT quantizes the bias by default (bits_bias 32): float weights with a quantized bias cannot train with a float copy.
        var bias = Only(WithPolicy("quantizer", "q", "quantizers:", "  q:", "    class: QuantAwareTrainRangeLinearQuantizer", "    bits_weights: null"));
        AssertAt(bias, "DTS034", 4, 5);
        Assert.Contains("cannot quantize a bias without its weights", bias.Message);
        Assert.Empty(Parse(WithPolicy("quantizer", "q", "quantizers:", "  q:", "    class: QuantAwareTrainRangeLinearQuantizer", "    bits_weights: null", "    bits_bias: null")).Diagnostics);

        // DoReFa leaves the bias in float by default; an override that quantizes it without its weights is refused.
        var entry = Only(WithPolicy("quantizer", "q", "quantizers:", "  q:", "    class: DorefaQuantizer", "    overrides:", "      conv1:", "        bits_weights: null", "        bits_bias: 8"));
        AssertAt(entry, "DTS034", 6, 9);

        // quantize_inputs (default true) needs a bit width for the inputs.
        var inputs = Only(WithPolicy("quantizer", "q", "quantizers:", "  q:", "    class: QuantAwareTrainRangeLinearQuantizer", "    bits_activations: null"));
        AssertAt(inputs, "DTS034", 4, 5);
        Assert.Contains("'quantize_inputs' (true by default) needs 'num_bits_inputs' or 'bits_activations'", inputs.Message);
        Assert.Empty(Parse(WithPolicy("quantizer", "q", "quantizers:", "  q:", "    class: QuantAwareTrainRangeLinearQuantizer", "    bits_activations: null", "    quantize_inputs: false")).Diagnostics);
    }
}
