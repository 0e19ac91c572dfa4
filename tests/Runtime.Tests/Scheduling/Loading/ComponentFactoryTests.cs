using Distiller.Typed.Catalogue;
using Distiller.Typed.Policies;
using Distiller.Typed.Schedules;
using Distiller.Typed.Scheduling;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Scheduling.Loading;

/// <summary>
/// Every pruner, regularizer and LR scheduler class of the component catalogue is created by the factory from a valid
/// argument map — one made from the catalogue's own parameter list — so a class added to the catalogue without a
/// factory mapping fails here.
/// </summary>
public class ComponentFactoryTests
{
    private sealed class ConvNet : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> conv;
        private readonly nn.Module<Tensor, Tensor> fc;

        public ConvNet() : base(nameof(ConvNet))
        {
            conv = nn.Conv2d(4, 8, 3, padding: 1);
            fc = nn.Linear(8, 4);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => fc.call(conv.call(input).mean(new long[] { 2, 3 }));
    }

    /// <summary>Values the generic rule cannot pick: pairs that must be ordered, and OneCycleLR's cycle length.</summary>
    private static readonly Dictionary<(string Class, string Argument), object?> Overrides = new()
    {
        [("AutomatedGradualPruner", "final_sparsity")] = 0.75,
        [("L1RankedStructureParameterPruner_AGP", "final_sparsity")] = 0.75,
        [("L2RankedStructureParameterPruner_AGP", "final_sparsity")] = 0.75,
        [("ActivationAPoZRankedFilterPruner_AGP", "final_sparsity")] = 0.75,
        [("ActivationMeanRankedFilterPruner_AGP", "final_sparsity")] = 0.75,
        [("GradientRankedFilterPruner_AGP", "final_sparsity")] = 0.75,
        [("RandomRankedFilterPruner_AGP", "final_sparsity")] = 0.75,
        [("BernoulliFilterPruner_AGP", "final_sparsity")] = 0.75,
        [("OneCycleLR", "total_steps")] = 10,
    };

    public static TheoryData<string> BuildableClasses()
    {
        var data = new TheoryData<string>();
        foreach (var c in ComponentCatalogue.All.Where(c => c.Section is ScheduleSection.Pruners or ScheduleSection.Regularizers or ScheduleSection.LrSchedulers))
            data.Add(c.ClassName);
        return data;
    }

    [Theory]
    [MemberData(nameof(BuildableClasses))]
    public void EveryCatalogueClassIsCreatedFromAValidArgumentMap(string className)
    {
        Assert.True(ComponentFactory.IsRegistered(className), $"{className} is in the catalogue but has no factory mapping.");
        Assert.True(ComponentCatalogue.TryFind(className, out var descriptor));
        var arguments = new ArgumentMap();
        foreach (var parameter in descriptor.Parameters.Where(p => p.Required))
            arguments.Add(parameter.Name, Overrides.TryGetValue((className, parameter.Name), out var v) ? v : Sample(parameter));
        foreach (var ((c, name), value) in Overrides)
            if (c == className && !arguments.ContainsKey(name))
                arguments.Add(name, value);

        using var model = new ConvNet();
        var optimizer = optim.SGD(model.parameters(), 0.1);
        var spec = new ScheduleSpec()
            .Add(new ComponentSpec(descriptor.Section, "instance", className, arguments))
            .Add(new PolicySpec(descriptor.Section, "instance", new ArgumentMap(), 0, 4, 1, null));
        using var scheduler = ScheduleBuilder.Build(model, optimizer, spec);

        var policy = Assert.Single(scheduler.Policies).Policy;
        switch (descriptor.Section)
        {
            case ScheduleSection.Pruners:
                Assert.Equal("instance", Assert.IsType<PruningPolicy>(policy).Pruner.Name);
                break;
            case ScheduleSection.Regularizers:
                Assert.Equal("instance", Assert.IsType<RegularizationPolicy>(policy).Regularizer.Name);
                break;
            default:
                Assert.Equal("instance", Assert.IsType<LRPolicy>(policy).Name);
                break;
        }
    }

    [Fact]
    public void EveryRegisteredClassIsInTheCatalogue()
    {
        foreach (var className in ComponentFactory.RegisteredClasses)
            Assert.True(ComponentCatalogue.TryFind(className, out _), className);
    }

    /// <summary>A value of the parameter's type inside its range: names are the conv weight, enumerations their first value.</summary>
    private static object? Sample(ParameterDescriptor parameter)
    {
        double number = new[] { 2.0, 0.5, 1.0, 0.1 }.First(n => parameter.Range is not { } r || r.Contains(n));
        int whole = new[] { 2, 1, 0 }.First(n => parameter.Range is not { } r || r.Contains(n));
        string text = parameter.IsEnumeration ? parameter.AllowedValues[0] : "text";
        string key = parameter.AcceptsDefaultKey ? "*" : "conv.weight";
        return parameter.Type switch
        {
            ParameterType.Float or ParameterType.FloatOrFloatList => number,
            ParameterType.Int => whole,
            ParameterType.Bool => true,
            ParameterType.String => text,
            ParameterType.FloatList => new List<object?> { number, number },
            ParameterType.IntList => new List<object?> { whole, whole + 1 },
            ParameterType.StringList => new List<object?> { "conv.weight" },
            ParameterType.FloatMap => new ArgumentMap().Add(key, number),
            ParameterType.FloatGroupMap => new ArgumentMap().Add("conv.weight", new List<object?> { number, text }),
            _ => throw new InvalidOperationException($"No sample for a required {parameter.Type} ('{parameter.Name}'); add one to this test."),
        };
    }
}
