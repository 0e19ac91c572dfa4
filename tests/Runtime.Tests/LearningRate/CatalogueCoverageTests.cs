using Distiller.Typed.Catalogue;
using Distiller.Typed.LearningRate;
using Distiller.Typed.Schedules;
using TorchSharp;

namespace Distiller.Typed.Tests.LearningRate;

/// <summary>The factory builds every LR-scheduler class the catalogue lists, from the catalogue's data alone.</summary>
public class CatalogueCoverageTests
{
    public static TheoryData<string, string?> LrClasses()
    {
        var data = new TheoryData<string, string?>();
        foreach (var descriptor in ComponentCatalogue.InSection(ScheduleSection.LrSchedulers))
        {
            data.Add(descriptor.ClassName, null);
            foreach (var variant in descriptor.Variants)
                data.Add(descriptor.ClassName, variant.QualifiedName);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(LrClasses))]
    public void EverySupportedClassIsCreatedFromItsRequiredArguments(string className, string? variantName)
    {
        Assert.True(ComponentCatalogue.TryFind(className, out var descriptor));
        var variant = descriptor.Variants.FirstOrDefault(v => v.QualifiedName == variantName);
        var parameters = variant?.Parameters ?? descriptor.Parameters;
        var arguments = parameters.Where(p => p.Required).ToDictionary(p => p.Name, p => (object?)SomeValidValue(p), StringComparer.Ordinal);
        if (variant is not null)
            arguments.TryAdd(variant.SelectedBy, SomeValidValue(variant.Parameters.Single(p => p.Name == variant.SelectedBy)));
        // OneCycleLR's one rule between arguments (its summary says so): the cycle's length, total_steps or epochs × steps_per_epoch.
        if (className == "OneCycleLR")
            arguments["total_steps"] = 10;

        using var h = new LrHarness(lr: 0.1);
        var scheduler = LrSchedulerFactory.Create(className, arguments, h.Optimizer);

        Assert.NotNull(scheduler);
        Assert.True(double.IsFinite(h.Lr) && h.Lr >= 0, $"{className}: lr {h.Lr}");
        var resolved = LrSchedulerClass.Resolve(className, arguments.Keys);
        Assert.Equal(variantName ?? descriptor.Variants.FirstOrDefault(v => v.IsDefault)?.QualifiedName ?? resolved.QualifiedName, resolved.QualifiedName);
    }

    /// <summary>A value of the parameter's type inside its range; lists have two items (MultiStepMultiGammaLR: one gamma per milestone).</summary>
    private static object SomeValidValue(ParameterDescriptor parameter)
    {
        bool Fits(double v) => parameter.Range?.Contains(v) ?? true;
        var number = new[] { 1.0, 0.5, 2.0, 0.0 }.First(Fits);
        var whole = new[] { 1, 2, 0 }.First(v => Fits(v));
        return parameter.Type switch
        {
            ParameterType.Int => whole,
            ParameterType.Float or ParameterType.FloatOrFloatList => number,
            ParameterType.IntList => new[] { whole, whole + 1 },
            ParameterType.FloatList => new[] { number, number },
            ParameterType.Bool => false,
            ParameterType.String => parameter.AllowedValues.First(),
            _ => throw new InvalidOperationException($"no LR scheduler should take a {parameter.Type} ({parameter.Name})"),
        };
    }
}
