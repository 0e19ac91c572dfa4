using System.Globalization;
using Distiller.Typed.Catalogue;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Tests.Catalogue;

/// <summary>The catalogue's lookup API and the consistency of its data with Distiller's constructors.</summary>
public class ComponentCatalogueTests
{
    public static TheoryData<string, ScheduleSection> IssueClasses() => new()
    {
        // Issue 2's list, section by section.
        { "MagnitudeParameterPruner", ScheduleSection.Pruners }, { "SparsityLevelParameterPruner", ScheduleSection.Pruners },
        { "SensitivityPruner", ScheduleSection.Pruners }, { "SplicingPruner", ScheduleSection.Pruners },
        { "AutomatedGradualPruner", ScheduleSection.Pruners }, { "L1RankedStructureParameterPruner", ScheduleSection.Pruners },
        { "L2RankedStructureParameterPruner", ScheduleSection.Pruners }, { "L1RankedStructureParameterPruner_AGP", ScheduleSection.Pruners },
        { "L2RankedStructureParameterPruner_AGP", ScheduleSection.Pruners }, { "ActivationAPoZRankedFilterPruner", ScheduleSection.Pruners },
        { "ActivationAPoZRankedFilterPruner_AGP", ScheduleSection.Pruners }, { "ActivationMeanRankedFilterPruner", ScheduleSection.Pruners },
        { "ActivationMeanRankedFilterPruner_AGP", ScheduleSection.Pruners }, { "GradientRankedFilterPruner", ScheduleSection.Pruners },
        { "GradientRankedFilterPruner_AGP", ScheduleSection.Pruners }, { "RandomRankedFilterPruner", ScheduleSection.Pruners },
        { "RandomRankedFilterPruner_AGP", ScheduleSection.Pruners }, { "BernoulliFilterPruner", ScheduleSection.Pruners },
        { "RandomLevelStructureParameterPruner", ScheduleSection.Pruners }, { "BaiduRNNPruner", ScheduleSection.Pruners },
        { "StructureParameterPruner", ScheduleSection.Pruners },
        { "L1Regularizer", ScheduleSection.Regularizers }, { "GroupLassoRegularizer", ScheduleSection.Regularizers },
        { "GroupVarianceRegularizer", ScheduleSection.Regularizers },
        { "DorefaQuantizer", ScheduleSection.Quantizers }, { "WRPNQuantizer", ScheduleSection.Quantizers }, { "PACTQuantizer", ScheduleSection.Quantizers },
        { "QuantAwareTrainRangeLinearQuantizer", ScheduleSection.Quantizers }, { "PostTrainLinearQuantizer", ScheduleSection.Quantizers },
        { "StepLR", ScheduleSection.LrSchedulers }, { "MultiStepLR", ScheduleSection.LrSchedulers }, { "ExponentialLR", ScheduleSection.LrSchedulers },
        { "CosineAnnealingLR", ScheduleSection.LrSchedulers }, { "ReduceLROnPlateau", ScheduleSection.LrSchedulers },
        { "CyclicLR", ScheduleSection.LrSchedulers }, { "OneCycleLR", ScheduleSection.LrSchedulers }, { "PolynomialLR", ScheduleSection.LrSchedulers },
        { "LinearLR", ScheduleSection.LrSchedulers }, { "ConstantLR", ScheduleSection.LrSchedulers },
        { "MultiStepMultiGammaLR", ScheduleSection.LrSchedulers },
    };

    [Theory]
    [MemberData(nameof(IssueClasses))]
    public void EveryClassOfTheIssueIsCatalogued(string className, ScheduleSection section)
    {
        Assert.True(ComponentCatalogue.TryFind(className, out var descriptor));
        Assert.Equal(section, descriptor.Section);
        Assert.Contains(descriptor, ComponentCatalogue.InSection(section));
    }

    [Fact]
    public void LookupIsExactAndCaseSensitive()
    {
        Assert.False(ComponentCatalogue.TryFind("automatedgradualpruner", out _));
        Assert.False(ComponentCatalogue.TryFind("LambdaLR", out _));
        Assert.NotNull(ComponentCatalogue.FindUnsupported("LambdaLR"));
        Assert.Equal(ComponentCatalogue.All.Count, ComponentCatalogue.All.Select(c => c.ClassName).Distinct().Count());
        Assert.Equal(ComponentCatalogue.All.Count, ScheduleSections.All.Sum(s => ComponentCatalogue.InSection(s).Count()));
    }

    [Fact]
    public void EveryClassOfTheReferenceSchedulesIsCatalogued()
    {
        foreach (var file in Directory.GetFiles(TestPaths.Schedules, "*.yaml"))
        {
            foreach (var component in Schedule.Load(file).Document.Components)
            {
                Assert.True(ComponentCatalogue.TryFind(component.ClassName!, out var descriptor), component.ClassName);
                Assert.Equal(component.Section, descriptor.Section);
            }
        }
    }

    [Fact]
    public void ParameterNamesAreUniqueAndNeverLoaderSupplied()
    {
        foreach (var component in ComponentCatalogue.All)
        {
            var names = component.Parameters.Select(p => p.Name).ToList();
            Assert.Equal(names.Count, names.Distinct().Count());
            Assert.Empty(names.Intersect(ComponentCatalogue.LoaderSuppliedArguments));
            foreach (var choice in component.Choices)
                Assert.All(choice.Names, n => Assert.Contains(n, names));
        }
    }

    [Fact]
    public void RequiredArgumentsHaveNoDefaultAndDefaultsAreValidValues()
    {
        var parameters = ComponentCatalogue.All.SelectMany(c => c.Parameters)
            .Concat(ComponentCatalogue.PolicyArguments(ScheduleSection.Pruners))
            .Concat(ComponentCatalogue.PolicyArguments(ScheduleSection.Regularizers));
        foreach (var p in parameters)
        {
            if (p.Required)
            {
                Assert.Null(p.Default);
                continue;
            }
            if (p.Default is null or "null")
            {
                Assert.True(p.Default is null || p.Nullable, $"{p.Name} defaults to null but is not nullable");
                continue;
            }
            if (p.IsEnumeration)
                Assert.Contains(p.Default, p.AllowedValues);
            if (p.Range is { } range && double.TryParse(p.Default, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                Assert.True(range.Contains(value), $"{p.Name}'s default {p.Default} is outside {range}");
        }
    }

    [Fact]
    public void DefaultsAreDistillersAndPyTorchs()
    {
        // distiller/quantization/range_linear.py: PostTrainLinearQuantizer(bits_activations=8, bits_parameters=8, bits_accum=32, …)
        Assert.Equal(("8", "8", "32"), (Default("PostTrainLinearQuantizer", "bits_activations"), Default("PostTrainLinearQuantizer", "bits_parameters"), Default("PostTrainLinearQuantizer", "bits_accum")));
        // QuantAwareTrainRangeLinearQuantizer(…, ema_decay=0.999, per_channel_wts=False, quantize_inputs=True)
        Assert.Equal(("0.999", "false", "true"), (Default("QuantAwareTrainRangeLinearQuantizer", "ema_decay"), Default("QuantAwareTrainRangeLinearQuantizer", "per_channel_wts"), Default("QuantAwareTrainRangeLinearQuantizer", "quantize_inputs")));
        // clipped_linear.py: PACTQuantizer(…, act_clip_init_val=8.0, act_clip_decay=None); DorefaQuantizer(bits_activations=32, bits_weights=32, bits_bias=None)
        Assert.Equal(("8.0", "null"), (Default("PACTQuantizer", "act_clip_init_val"), Default("PACTQuantizer", "act_clip_decay")));
        Assert.Equal(("32", "32", "null"), (Default("DorefaQuantizer", "bits_activations"), Default("DorefaQuantizer", "bits_weights"), Default("DorefaQuantizer", "bits_bias")));
        // torch.optim.lr_scheduler: StepLR(step_size, gamma=0.1); ExponentialLR(gamma) has no default; ReduceLROnPlateau(mode='min', factor=0.1, patience=10)
        Assert.Equal("0.1", Default("StepLR", "gamma"));
        Assert.True(Parameter("ExponentialLR", "gamma").Required);
        Assert.Equal(("min", "0.1", "10"), (Default("ReduceLROnPlateau", "mode"), Default("ReduceLROnPlateau", "factor"), Default("ReduceLROnPlateau", "patience")));
        // Distiller's PolynomialLR(optimizer, T_max, power): T_max may be replaced by PyTorch's total_iters.
        Assert.Single(Component("PolynomialLR").Choices);
    }

    [Fact]
    public void CosineAnnealingWarmRestartsIsCataloguedAsTorchHasIt()
    {
        // torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1, verbose=...)
        Assert.Null(ComponentCatalogue.FindUnsupported("CosineAnnealingWarmRestarts"));
        Assert.True(Parameter("CosineAnnealingWarmRestarts", "T_0").Required);
        Assert.Equal(ParameterType.Int, Parameter("CosineAnnealingWarmRestarts", "T_0").Type);
        Assert.False(Parameter("CosineAnnealingWarmRestarts", "T_0").Range!.Contains(0));
        Assert.Equal(("1", ParameterType.Int), (Default("CosineAnnealingWarmRestarts", "T_mult"), Parameter("CosineAnnealingWarmRestarts", "T_mult").Type));
        Assert.False(Parameter("CosineAnnealingWarmRestarts", "T_mult").Range!.Contains(0));
        Assert.Equal(("0.0", ParameterType.Float), (Default("CosineAnnealingWarmRestarts", "eta_min"), Parameter("CosineAnnealingWarmRestarts", "eta_min").Type));
    }

    [Fact]
    public void PolynomialLrVariantsFollowTheGivenArguments()
    {
        var polynomial = Component("PolynomialLR");
        var distillers = polynomial.SelectVariant(new[] { "T_max", "power" })!;
        Assert.Equal("distiller.learning_rate.PolynomialLR", distillers.QualifiedName);
        Assert.Equal(new[] { "T_max", "power" }, distillers.Parameters.Select(p => p.Name));
        Assert.All(distillers.Parameters, p => Assert.True(p.Required));
        Assert.Equal("torch.optim.lr_scheduler.PolynomialLR", polynomial.SelectVariant(new[] { "total_iters" })!.QualifiedName);
        Assert.Equal("torch.optim.lr_scheduler.PolynomialLR", polynomial.SelectVariant(Array.Empty<string>())!.QualifiedName);
        Assert.Null(polynomial.SelectVariant(new[] { "T_max", "total_iters" }));
        // Every variant's arguments are arguments of the shared name.
        Assert.All(polynomial.Variants.SelectMany(v => v.Parameters), p => Assert.NotNull(polynomial.Parameter(p.Name)));
    }

    [Fact]
    public void OptimizerAndPostTrainingFlags()
    {
        Assert.All(ComponentCatalogue.InSection(ScheduleSection.LrSchedulers), c => Assert.True(c.NeedsOptimizer));
        Assert.True(Component("DorefaQuantizer").NeedsOptimizer);
        Assert.True(Component("PostTrainLinearQuantizer").PostTrainingOnly);
        Assert.False(Component("PostTrainLinearQuantizer").NeedsOptimizer);
        Assert.False(Component("AutomatedGradualPruner").NeedsOptimizer);
        Assert.Equal(
            new[] { "ActivationAPoZRankedFilterPruner_AGP", "ActivationMeanRankedFilterPruner_AGP", "AutomatedGradualPruner", "BernoulliFilterPruner_AGP",
                    "GradientRankedFilterPruner_AGP", "L1RankedStructureParameterPruner_AGP", "L2RankedStructureParameterPruner_AGP", "RandomRankedFilterPruner_AGP" },
            ComponentCatalogue.All.Where(c => c.UsesAgpSchedule).Select(c => c.ClassName).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void NameKindsTellTheGeneratorWhatToCheck()
    {
        Assert.Equal(NameKind.ParameterNames, Parameter("AutomatedGradualPruner", "weights").NameKind);
        Assert.Equal(NameKind.ParameterNameMap, Parameter("SensitivityPruner", "sensitivities").NameKind);
        Assert.True(Parameter("SensitivityPruner", "sensitivities").AcceptsDefaultKey);
        Assert.False(Parameter("L1Regularizer", "reg_regims").AcceptsDefaultKey); // L1Regularizer looks names up exactly
        Assert.Equal(NameKind.ModuleOverrides, Parameter("DorefaQuantizer", "overrides").NameKind);
        Assert.Equal(NameKind.ParameterNameMap, ComponentCatalogue.PolicyArguments(ScheduleSection.Pruners).Single(p => p.Name == "levels").NameKind);
        Assert.Empty(ComponentCatalogue.PolicyArguments(ScheduleSection.Quantizers));
    }

    [Fact]
    public void GroupTypesAndCriteriaAreDistillers()
    {
        Assert.Equal(new[] { "2D", "Rows", "Cols", "Rows+Cols", "Cols+Rows", "Channels", "Filters", "3D", "4D", "Channels+4D", "4D+Channels" },
            Parameter("GroupLassoRegularizer", "reg_regims").AllowedValues);
        Assert.Equal(new[] { "Max", "Mean_Abs" }, Parameter("GroupLassoRegularizer", "threshold_criteria").AllowedValues);
        Assert.Equal(new[] { "3D", "Filters" }, Parameter("ActivationAPoZRankedFilterPruner_AGP", "group_type").AllowedValues);
        Assert.Equal(new[] { "NONE", "AVG", "N_STD", "GAUSS", "LAPLACE" }, Parameter("PostTrainLinearQuantizer", "clip_acts").AllowedValues);
    }

    [Fact]
    public void RangesBoundAsDocumented()
    {
        var sparsity = ValueRange.Sparsity;
        Assert.True(sparsity.Contains(0) && sparsity.Contains(0.999) && !sparsity.Contains(1) && !sparsity.Contains(-0.01) && !sparsity.Contains(double.NaN));
        Assert.Equal("in [0, 1)", sparsity.ToString());
        Assert.True(ValueRange.BitWidth.Contains(1) && ValueRange.BitWidth.Contains(32) && !ValueRange.BitWidth.Contains(0) && !ValueRange.BitWidth.Contains(33));
        Assert.Equal("> 0", ValueRange.GreaterThan(0).ToString());
        Assert.False(ValueRange.GreaterThan(0).Contains(0));
    }

    private static ComponentDescriptor Component(string className) =>
        ComponentCatalogue.TryFind(className, out var descriptor) ? descriptor : throw new InvalidOperationException(className);

    private static ParameterDescriptor Parameter(string className, string name) => Component(className).Parameter(name)!;

    private static string? Default(string className, string name) => Parameter(className, name).Default;
}
