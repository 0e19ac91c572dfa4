using System.Reflection;
using Distiller.Typed.Quantization.Calibration;
using Distiller.Typed.Quantization.PostTraining;
using Distiller.Typed.Quantization.Tests.TypedModels;
using Distiller.Typed.Scheduling;
using Distiller.Typed.Schedules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Tests;

/// <summary>
/// The promise: quantization-aware training runs through the generated builder on a model whose fields are
/// typed as TorchVision types them (<see cref="TypedResNet"/>), without changing the model — every field keeps its
/// module, parameter and module names stay — and computes exactly what the same schedule computes on the twin whose
/// fields the quantizer can swap (<see cref="WideResNet"/>, built by the runtime loader).
/// </summary>
public class TypedModelQuantizationTests
{
    public static TheoryData<string> Schedules() => new() { "dorefa", "wrpn", "pact", "range" };

    private static CompressionScheduler BuildTyped(string schedule, TypedResNet model, optim.Optimizer optimizer) => schedule switch
    {
        "dorefa" => TypedResNetDorefaSchedule.Build(model, optimizer),
        "wrpn" => TypedResNetWrpnSchedule.Build(model, optimizer),
        "pact" => TypedResNetPactSchedule.Build(model, optimizer),
        "range" => TypedResNetRangeSchedule.Build(model, optimizer),
        _ => throw new ArgumentException(schedule),
    };

    /// <summary>Every module-typed field of the model and its submodules, with the object it holds.</summary>
    private static List<(string Field, object? Value)> Fields(nn.Module model) =>
        model.modules().Prepend(model).Distinct(ReferenceEqualityComparer.Instance).Cast<nn.Module>()
            .Where(m => m.GetType().Assembly == typeof(TypedResNet).Assembly)
            .SelectMany(m => m.GetType().GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
                .Where(f => typeof(nn.Module).IsAssignableFrom(f.FieldType))
                .Select(f => ($"{m.GetType().Name}.{f.Name}", f.GetValue(m))))
            .ToList();

    [Theory]
    [MemberData(nameof(Schedules))]
    public void GeneratedBuilder_QuantizesTheTypedModelUnchanged_AsTheSwappableTwin(string schedule)
    {
        torch.manual_seed(11);
        var typed = new TypedResNet();
        var wide = new WideResNet();
        var plain = new TypedResNet();
        wide.load_state_dict(typed.state_dict());
        plain.load_state_dict(typed.state_dict());
        var fields = Fields(typed);
        var parameters = typed.named_parameters().ToList();
        var moduleNames = typed.named_modules().Select(m => m.name).ToList();

        var optTyped = optim.SGD(typed.parameters(), 0.05);
        var optWide = optim.SGD(wide.parameters(), 0.05);
        using var typedScheduler = BuildTyped(schedule, typed, optTyped);
        using var wideScheduler = CompressionSchedulerLoader.FromFile(wide, optWide,
            Path.Combine(AppContext.BaseDirectory, "schedules", $"typedresnet.schedule_{schedule}.yaml"));

        // The model is unchanged: same objects in every field, same parameter objects under the same names (PACT adds
        // its clipping values), every module name still there in the same order.
        Assert.Equal(fields, Fields(typed));
        var after = typed.named_parameters().ToList();
        Assert.Equal(parameters.Select(p => p.name), after.Select(p => p.name).Where(n => !n.EndsWith(".clip_val", StringComparison.Ordinal)));
        foreach (var (name, p) in parameters)
            Assert.Same(p, after.Single(a => a.name == name).parameter);
        Assert.Equal(moduleNames, typed.named_modules().Select(m => m.name).Where(moduleNames.Contains));
        if (schedule == "pact")
            Assert.Contains("layer1.0.relu.clip_val", after.Select(p => p.name));

        torch.manual_seed(12);
        var x = torch.randn(8, 1, 8, 8);
        var target = torch.randint(0, 10, 8);
        using (torch.no_grad())
        {
            plain.train();
            typed.train();
            var floatOut = plain.call(x);
            var quantOut = typed.call(x);
            Assert.False(floatOut.allclose(quantOut, 1e-4, 1e-4), "the typed model must compute quantized, not in float");
        }
        // Re-create the twins' batch-norm statistics after the no-grad probe above: load the wide model's state.
        typed.load_state_dict(wide.state_dict());

        foreach (var (model, scheduler, optimizer) in new (nn.Module<Tensor, Tensor>, CompressionScheduler, optim.Optimizer)[]
                     { (typed, typedScheduler, optTyped), (wide, wideScheduler, optWide) })
        {
            model.train();
            scheduler.OnEpochBegin(0);
            for (int step = 0; step < 2; step++)
            {
                scheduler.OnMinibatchBegin(0, step, 2);
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.call(x), target);
                loss = scheduler.BeforeBackwardPass(0, step, 2, loss).OverallLoss!;
                loss.backward();
                scheduler.BeforeParameterOptimization(0, step, 2);
                optimizer.step();
                scheduler.OnMinibatchEnd(0, step, 2);
            }
            scheduler.OnEpochEnd(0);
        }

        var wideState = wide.state_dict();
        foreach (var (name, value) in typed.state_dict())
            Assert.True(value.allclose(wideState[name], 1e-6, 1e-6), $"{schedule}: '{name}' differs between the typed model and its swappable twin");
        Assert.Equal(wideState.Keys.Order(), typed.state_dict().Keys.Order());
        typed.eval();
        wide.eval();
        using (torch.no_grad())
            Assert.True(typed.call(x).allclose(wide.call(x), 1e-5, 1e-5), $"{schedule}: evaluation differs");
    }

    [Fact]
    public void PostTraining8Bit_WithCalibration_OnTheTypedModel_MatchesTheSwappableTwin()
    {
        torch.manual_seed(21);
        var typed = new TypedResNet();
        var wide = new WideResNet();
        // Trained-looking batch-norm statistics, so folding has something to fold.
        using (torch.no_grad())
        {
            typed.train();
            for (int i = 0; i < 3; i++)
                typed.call(torch.randn(16, 1, 8, 8));
        }
        wide.load_state_dict(typed.state_dict());
        var fields = Fields(typed);
        var calibration = Enumerable.Range(0, 3).Select(_ => torch.randn(16, 1, 8, 8)).ToList();
        var x = torch.randn(8, 1, 8, 8);
        Tensor floatOut;
        typed.eval();
        using (torch.no_grad())
            floatOut = typed.call(x);

        var outputs = new List<Tensor>();
        foreach (var model in new nn.Module<Tensor, Tensor>[] { typed, wide })
        {
            model.eval();
            var stats = new QuantCalibrationStatsCollector(model).Collect(calibration);
            Assert.Contains("layer1.0.relu", stats.Keys);
            var ptq = new PostTrainLinearQuantizer(model, bitsActivations: 8, bitsParameters: 8, bitsAccum: 32, modelActivationStats: stats);
            ptq.PrepareModel(calibration[0][..2]);
            Assert.Equal(new[] { ("conv1", "bn1"), ("layer1.0.conv1", "layer1.0.bn1"), ("layer1.0.conv2", "layer1.0.bn2"),
                ("layer1.0.downsample.0", "layer1.0.downsample.1"), ("layer1.1.conv1", "layer1.1.bn1"), ("layer1.1.conv2", "layer1.1.bn2") },
                ptq.FoldedBatchNorms.OrderBy(p => p.Layer, StringComparer.Ordinal));
            Assert.IsType<RangeLinearQuantParamLayerWrapper>(ModuleTree.Get(model, "layer1.0.conv2"));
            Assert.IsType<PassThrough>(ModuleTree.Get(model, "layer1.0.bn2"));
            Assert.IsType<RangeLinearFakeQuantWrapper>(ModuleTree.Get(model, "layer1.0.relu"));
            using (torch.no_grad())
                outputs.Add(model.call(x));
        }
        Assert.Equal(fields, Fields(typed));
        Assert.True(outputs[0].equal(outputs[1]).all().item<bool>(), "8-bit PTQ of the typed model differs from its swappable twin's");
        Assert.False(outputs[0].equal(floatOut).all().item<bool>(), "the typed model must compute quantized after PTQ");
        Assert.True(outputs[0].allclose(floatOut, 0.1, 0.1), "8-bit PTQ stays close to float");
    }
}

/// <summary>A model whose forward calls a typed child with <c>.forward()</c>: quantization hooks cannot run there.</summary>
public class SkippedHooksTests
{
    private sealed class ForwardCallingNet : nn.Module<Tensor, Tensor>
    {
        private readonly Linear fc1 = nn.Linear(4, 8);
        private readonly ReLU relu = nn.ReLU();
        private readonly Linear fc2 = nn.Linear(8, 3);
        public ForwardCallingNet() : base(nameof(ForwardCallingNet)) => RegisterComponents();
        public override Tensor forward(Tensor x) => fc2.call(relu.call(fc1.forward(x)));
    }

    [Fact]
    public void TheFirstTrainingStepNamesTheModulesThatStayedInFloat()
    {
        var model = new ForwardCallingNet();
        var optimizer = optim.SGD(model.parameters(), 0.1);
        var policy = new Distiller.Typed.Policies.QuantizationPolicy(new Distiller.Typed.Quantization.Training.DorefaQuantizer(model, optimizer, 8, 4));
        optimizer.zero_grad();
        nn.functional.cross_entropy(model.call(torch.randn(4, 4)), torch.tensor(new long[] { 0, 1, 2, 0 })).backward();
        optimizer.step();
        var e = Assert.Throws<InvalidOperationException>(() =>
            policy.OnMinibatchEnd(new Distiller.Typed.Policies.MinibatchContext(model, new Distiller.Typed.Masks.MaskDictionary(), 0, 0, 1, optimizer)));
        Assert.Contains("'fc1'", e.Message);
        Assert.DoesNotContain("'fc2'", e.Message);
        Assert.DoesNotContain("'relu'", e.Message);
        Assert.Contains(".call(x)", e.Message);
    }
}
