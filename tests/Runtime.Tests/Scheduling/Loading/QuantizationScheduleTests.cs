using Distiller.Typed.Policies;
using Distiller.Typed.Scheduling;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Scheduling.Loading;

/// <summary>The reference document's DoReFa schedule, loaded at run time, quantizes the model it names.</summary>
public class QuantizationScheduleTests
{
    [Fact]
    public void ReferenceDorefaScheduleReplacesOnlyTheModulesItDoesNotOverride()
    {
        using var model = new LoadingModels.PreActLike();
        var optimizer = optim.SGD(model.parameters(), 0.1);
        var before = model.named_modules().ToDictionary(m => m.name, m => m.module.GetType());

        using var scheduler = CompressionSchedulerLoader.FromFile(model, optimizer, Path.Combine(LoadingModels.Schedules, "preactresnet20.schedule_dorefa.yaml"));

        var policy = Assert.Single(scheduler.Policies);
        Assert.IsType<QuantizationPolicy>(policy.Policy);
        var after = model.named_modules().ToDictionary(m => m.name, m => m.module.GetType());
        Assert.Equal(before.Keys.Where(k => k.Length > 0).OrderBy(k => k), after.Keys.Where(k => k.Length > 0 && !k.Contains('.')).OrderBy(k => k));
        // bits null in the overrides: conv1, relu1, final_relu and fc stay as they were (first match wins, null = float)
        foreach (var name in new[] { "conv1", "relu1", "final_relu", "fc" })
            Assert.Equal(before[name], after[name]);
        // the rest is quantized: 8-bit activations replace relu2, and conv2 computes with 4-bit copies of its float weights
        Assert.NotEqual(before["relu2"], after["relu2"]);
        Assert.Equal(before["conv2"], after["conv2"]);
        Assert.True(Distiller.Typed.Quantization.InPlaceWeightQuantization.IsAttached(model.named_modules().Single(m => m.name == "conv2").module));
        Assert.False(Distiller.Typed.Quantization.InPlaceWeightQuantization.IsAttached(model.named_modules().Single(m => m.name == "conv1").module));

        using var output = model.call(randn(2, 1, 4, 4));
        Assert.Equal(new long[] { 2, 10 }, output.shape);
    }
}
