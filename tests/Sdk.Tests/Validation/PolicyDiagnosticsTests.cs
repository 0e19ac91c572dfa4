using Distiller.Typed.Diagnostics;
using static Distiller.Typed.Tests.Validation.Yaml;

namespace Distiller.Typed.Tests.Validation;

/// <summary>
/// Policy diagnostics (DTS042–DTS056), each triggered by a YAML written for it. Columns counted by hand:
/// "    starting_epoch: " is 20 characters, "    ending_epoch: " 18, "    frequency: " 15, "    epochs: " 12.
/// </summary>
public class PolicyDiagnosticsTests
{
    private static readonly string[] Regularizer =
    {
        "regularizers:",                       // 1
        "  r:",                                // 2
        "    class: L1Regularizer",            // 3
        "    reg_regims: {conv1.weight: 0.1}", // 4
        "policies:",                           // 5
        "  - regularizer: {instance_name: r}", // 6
    };

    private static readonly string[] AgpPruner =
    {
        "pruners:",                       // 1
        "  p:",                           // 2
        "    class: AutomatedGradualPruner",
        "    initial_sparsity: 0.05",
        "    final_sparsity: 0.8",
        "    weights: [conv1.weight]",    // 6
        "policies:",                      // 7
    };

    private static readonly string[] Dorefa =
    {
        "quantizers:",                      // 1
        "  q:",                             // 2
        "    class: DorefaQuantizer",       // 3
        "policies:",                        // 4
        "  - quantizer: {instance_name: q}", // 5
    };

    private static string[] With(string[] head, params string[] tail) => head.Concat(tail).ToArray();

    [Fact]
    public void DTS042_PolicyNamesAnInstanceOfAnotherSection()
    {
        var d = Only("regularizers:", "  r:", "    class: L1Regularizer", "    reg_regims: {conv1.weight: 0.1}", "policies:",
            "  - pruner: {instance_name: r}", "    epochs: [0]");
        AssertAt(d, "DTS042", 6, 29); // "  - pruner: {instance_name: " is 28 characters
        Assert.Contains("name it with 'regularizer:'", d.Message);
    }

    [Fact]
    public void DTS043_RangeMixedWithEpochs()
    {
        var d = Only(With(Regularizer, "    starting_epoch: 0", "    epochs: [0, 1]"));
        AssertAt(d, "DTS043", 7, 21);
    }

    [Fact]
    public void DTS044_NeitherForm()
    {
        var d = Only(Regularizer);
        AssertAt(d, "DTS044", 6, 5);
    }

    [Fact]
    public void DTS045_IncompleteRange()
    {
        var d = Only(With(Regularizer, "    starting_epoch: 0", "    ending_epoch: 10"));
        AssertAt(d, "DTS045", 6, 5);
        Assert.Contains("'frequency'", d.Message);
    }

    [Fact]
    public void TimingKeyOfTheWrongShapeIsReportedOnceByTheReader()
    {
        AssertAt(Only(With(Regularizer, "    starting_epoch: [0]", "    ending_epoch: 10", "    frequency: 1")), "DTS003", 7, 21);
        AssertAt(Only(With(Regularizer, "    epochs: 3")), "DTS003", 7, 13);
    }

    [Fact]
    public void DTS046_NonIntegerEpoch()
    {
        AssertAt(Only(With(Regularizer, "    starting_epoch: 1.5", "    ending_epoch: 10", "    frequency: 1")), "DTS046", 7, 21);
        AssertAt(Only(With(Regularizer, "    epochs: [0, -1]")), "DTS046", 7, 17); // "    epochs: [0, " is 16 characters
        AssertAt(Only(With(Regularizer, "    starting_epoch: 0", "    ending_epoch: 10", "    frequency: two")), "DTS046", 9, 16);
    }

    [Fact]
    public void DTS047_StartNotBeforeEnd()
    {
        var d = Only(With(Regularizer, "    starting_epoch: 10", "    ending_epoch: 10", "    frequency: 1"));
        AssertAt(d, "DTS047", 7, 21);
    }

    [Fact]
    public void DTS048_FrequencyNotPositive()
    {
        AssertAt(Only(With(Regularizer, "    starting_epoch: 0", "    ending_epoch: 10", "    frequency: 0")), "DTS048", 9, 16);
        AssertAt(Only(With(Regularizer, "    starting_epoch: 0", "    ending_epoch: 10", "    frequency: -2")), "DTS048", 9, 16);
    }

    [Fact]
    public void DTS049_FrequencyLargerThanTheSpan()
    {
        var d = Only(With(Regularizer, "    starting_epoch: 0", "    ending_epoch: 10", "    frequency: 11"));
        AssertAt(d, "DTS049", 9, 16);
        // frequency == ending - starting is allowed (Distiller: 0 < frequency <= ending_epoch - starting_epoch).
        Assert.Empty(Parse(With(Regularizer, "    starting_epoch: 0", "    ending_epoch: 10", "    frequency: 10")).Diagnostics);
    }

    [Fact]
    public void DTS050_EmptyEpochList()
    {
        AssertAt(Only(With(Regularizer, "    epochs: []")), "DTS050", 7, 13);
    }

    [Fact]
    public void DTS051_QuantizationPolicyNotAtEpochZero()
    {
        AssertAt(Only(With(Dorefa, "    starting_epoch: 2", "    ending_epoch: 10", "    frequency: 1")), "DTS051", 6, 21);
        AssertAt(Only(With(Dorefa, "    epochs: [1, 2]")), "DTS051", 6, 14);
        Assert.Empty(Parse(With(Dorefa, "    starting_epoch: 0", "    ending_epoch: 10", "    frequency: 1")).Diagnostics);
    }

    [Fact]
    public void DTS052_AgpSpanOfZero()
    {
        // span = ((ending - starting - 1) // frequency) * frequency: ((1 - 0 - 1) // 1) * 1 = 0.
        var d = Only(With(AgpPruner, "  - pruner: {instance_name: p}", "    starting_epoch: 0", "    ending_epoch: 1", "    frequency: 1"));
        AssertAt(d, "DTS052", 10, 19);
        Assert.Contains("((1 - 0 - 1) // 1) * 1 = 0", d.Message);
        // ((2 - 0 - 1) // 2) * 2 = 0, though frequency 2 <= ending - starting = 2 passes Distiller's range check.
        AssertAt(Only(With(AgpPruner, "  - pruner: {instance_name: p}", "    starting_epoch: 0", "    ending_epoch: 2", "    frequency: 2")), "DTS052", 10, 19);
        // ((3 - 0 - 1) // 2) * 2 = 2 > 0.
        Assert.Empty(Parse(With(AgpPruner, "  - pruner: {instance_name: p}", "    starting_epoch: 0", "    ending_epoch: 3", "    frequency: 2")).Diagnostics);
    }

    [Fact]
    public void DTS052_AppliesToStructuredAgpPruners()
    {
        var d = Only("pruners:", "  p:", "    class: L1RankedStructureParameterPruner_AGP", "    initial_sparsity: 0.1", "    final_sparsity: 0.5",
            "    group_type: Filters", "    weights: [conv1.weight]", "policies:", "  - pruner: {instance_name: p}",
            "    starting_epoch: 5", "    ending_epoch: 6", "    frequency: 1");
        AssertAt(d, "DTS052", 11, 19);
    }

    [Fact]
    public void DTS053_AgpPrunerScheduledByAnEpochList()
    {
        var d = Only(With(AgpPruner, "  - pruner: {instance_name: p}", "    epochs: [0, 2, 4]"));
        AssertAt(d, "DTS053", 9, 13);
    }

    [Fact]
    public void DTS054_UnknownPruningPolicyArgument()
    {
        var d = Only(With(AgpPruner, "  - pruner:", "      instance_name: p", "      args: {mask_on_forwrd_only: true}",
            "    starting_epoch: 0", "    ending_epoch: 10", "    frequency: 2"));
        AssertAt(d, "DTS054", 10, 14); // "      args: {" is 13 characters
        Assert.Contains("did you mean 'mask_on_forward_only'", d.Message);
    }

    [Fact]
    public void DTS054_QuantizationPoliciesTakeNoArgs()
    {
        var d = Only("quantizers:", "  q:", "    class: DorefaQuantizer", "policies:", "  - quantizer:", "      instance_name: q",
            "      args: {keep_mask: true}", "    starting_epoch: 0", "    ending_epoch: 10", "    frequency: 1");
        AssertAt(d, "DTS054", 7, 14);
        Assert.Contains("quantizer policies take no args", d.Message);
    }

    [Fact]
    public void PolicyArgumentsAreTyped()
    {
        string[] Policy(string args) => With(AgpPruner, "  - pruner:", "      instance_name: p", "      args: " + args,
            "    starting_epoch: 0", "    ending_epoch: 10", "    frequency: 2");
        AssertAt(Only(Policy("{keep_mask: maybe}")), "DTS026", 10, 25);           // "      args: {keep_mask: " is 24 characters
        AssertAt(Only(Policy("{levels: {'*': 1.5}}")), "DTS027", 10, 28);         // "      args: {levels: {'*': " is 27 characters
        AssertAt(Only(Policy("{mask_gradients: true}")), "DTS034", 10, 30);      // mask_gradients needs mask_on_forward_only
        Assert.Empty(Parse(Policy("{mask_gradients: true, mask_on_forward_only: true, keep_mask: true, mini_batch_pruning_frequency: 10}")).Diagnostics);
        Assert.Empty(Parse(Regularizer.Take(5).Concat(new[] { "  - regularizer:", "      instance_name: r", "      args: {keep_mask: true}", "    epochs: [0]" }).ToArray()).Diagnostics);
    }

    [Fact]
    public void DTS055_InstanceNoPolicyUsesIsAWarning()
    {
        var d = Only(AgpPruner);
        AssertAt(d, "DTS055", 2, 3);
        Assert.Equal(ScheduleDiagnosticSeverity.Warning, d.Severity);
        // A post-training quantizer needs no policy.
        Assert.Empty(Parse("quantizers:", "  q:", "    class: PostTrainLinearQuantizer").Diagnostics);
    }

    [Fact]
    public void DTS056_PostTrainingQuantizerInATrainingPolicy()
    {
        var d = Only("quantizers:", "  q:", "    class: PostTrainLinearQuantizer", "policies:", "  - quantizer: {instance_name: q}",
            "    starting_epoch: 0", "    ending_epoch: 10", "    frequency: 1");
        AssertAt(d, "DTS056", 5, 32); // "  - quantizer: {instance_name: " is 31 characters
    }

    [Fact]
    public void DTS058_AnLrSchedulerInstanceScheduledByTwoPolicies()
    {
        string[] lr = { "lr_schedulers:", "  lr:", "    class: ExponentialLR", "    gamma: 0.9", "policies:" };
        var d = Only(With(lr,
            "  - lr_scheduler: {instance_name: lr}", "    epochs: [0, 1]",        // 6-7
            "  - lr_scheduler: {instance_name: lr}", "    epochs: [4, 5]"));      // 8-9
        AssertAt(d, "DTS058", 8, 35); // "  - lr_scheduler: {instance_name: " is 34 characters
        Assert.Contains("'lr' already has a policy (line 6)", d.Message);
    }

    [Fact]
    public void DTS058_NotForPrunersWhichMayHaveSeveralPolicies()
    {
        var result = Parse(With(Regularizer, "    epochs: [0]", "  - regularizer: {instance_name: r}", "    epochs: [3]"));
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void DTS059_AnEpochListedTwice()
    {
        var d = Only(With(Regularizer, "    epochs: [0, 2, 2]"));
        AssertAt(d, "DTS059", 7, 20);
        Assert.Contains("lists 2 more than once", d.Message);
    }

    [Fact]
    public void DTS057_APrunerNamedByTwoPoliciesIsAWarningAtTheSecond()
    {
        var d = Only(With(AgpPruner,
            "  - pruner: {instance_name: p}",   // 8
            "    starting_epoch: 0",
            "    ending_epoch: 4",
            "    frequency: 1",
            "  - pruner: {instance_name: p}",   // 12
            "    starting_epoch: 2",
            "    ending_epoch: 6",
            "    frequency: 1"));
        AssertAt(d, "DTS057", 12, 29); // "  - pruner: {instance_name: " is 28 characters
        Assert.Equal(ScheduleDiagnosticSeverity.Warning, d.Severity);
        Assert.Contains("policy on line 8", d.Message);
        // One policy per pruner is fine.
        Assert.Empty(Parse(With(AgpPruner, "  - pruner: {instance_name: p}", "    starting_epoch: 0", "    ending_epoch: 6", "    frequency: 1")).Diagnostics);
    }
}
