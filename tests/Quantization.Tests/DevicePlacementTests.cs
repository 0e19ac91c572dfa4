using Distiller.Typed.Quantization.Tests.TypedModels;
using Distiller.Typed.Scheduling;
using Distiller.Typed.Schedules;
using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Tests;

/// <summary>
/// What quantizers create lives where the model's parameters are, and follows the model when it moves. There is no
/// CUDA here, so the device logic is exercised through dtype moves: TorchSharp's <c>Module.to(dtype)</c> goes through
/// the same parameter and buffer replacement as <c>to(device)</c>, so a tensor left behind shows up as a float32
/// tensor in a float64 model (and as a dtype error in the forward pass). The CUDA smoke test runs where CUDA is.
/// </summary>
public class DevicePlacementTests
{
    private readonly ITestOutputHelper _out;

    public DevicePlacementTests(ITestOutputHelper output) => _out = output;

    public static TheoryData<string> Schedules() => TypedModelQuantizationTests.Schedules();

    private static CompressionScheduler Build(string schedule, TypedResNet model, optim.Optimizer optimizer) => schedule switch
    {
        "dorefa" => TypedResNetDorefaSchedule.Build(model, optimizer),
        "wrpn" => TypedResNetWrpnSchedule.Build(model, optimizer),
        "pact" => TypedResNetPactSchedule.Build(model, optimizer),
        "range" => TypedResNetRangeSchedule.Build(model, optimizer),
        _ => throw new ArgumentException(schedule),
    };

    /// <summary>Every floating tensor of the model (parameters and buffers, the quantizers' included) and of the optimizer.</summary>
    private static void AssertAll(nn.Module model, optim.Optimizer optimizer, ScalarType dtype, Device device)
    {
        foreach (var (name, p) in model.named_parameters())
        {
            Assert.True(p.dtype == dtype && Same(p.device, device), $"parameter {name} is {p.dtype} on {p.device}");
        }
        foreach (var (name, b) in model.named_buffers())
        {
            if (b.is_floating_point())
                Assert.True(b.dtype == dtype, $"buffer {name} is {b.dtype}");
            Assert.True(Same(b.device, device), $"buffer {name} is on {b.device}");
        }
        var modelParameters = model.parameters().ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var p in optimizer.parameters())
            Assert.True(modelParameters.Contains(p), "the optimizer holds a parameter the model no longer has");
    }

    private static bool Same(Device a, Device b) => a.type == b.type && (a.type != DeviceType.CUDA || Math.Max(a.index, 0) == Math.Max(b.index, 0));

    private static void TrainStep(nn.Module<Tensor, Tensor> model, CompressionScheduler scheduler, optim.Optimizer optimizer, ScalarType dtype, Device device)
    {
        using var scope = torch.NewDisposeScope();
        model.train();
        scheduler.OnEpochBegin(0);
        scheduler.OnMinibatchBegin(0, 0, 1);
        optimizer.zero_grad();
        var output = model.call(torch.randn(4, 1, 8, 8, dtype: dtype, device: device));
        Assert.Equal(dtype, output.dtype);
        var loss = nn.functional.cross_entropy(output, torch.tensor(new long[] { 1, 2, 3, 4 }, device: device));
        loss = scheduler.BeforeBackwardPass(0, 0, 1, loss).OverallLoss!;
        loss.backward();
        scheduler.BeforeParameterOptimization(0, 0, 1);
        optimizer.step();
        scheduler.OnMinibatchEnd(0, 0, 1);
        scheduler.OnEpochEnd(0);
    }

    [Theory]
    [MemberData(nameof(Schedules))]
    public void QuantizerStateIsCreatedInTheModelsType(string schedule)
    {
        torch.manual_seed(5);
        var model = new TypedResNet();
        model.to(ScalarType.Float64);
        var optimizer = optim.SGD(model.parameters(), 0.01);
        using var scheduler = Build(schedule, model, optimizer);
        // PACT's clipping values, the range tracker's buffers and inputs quantizer: float64 from the start, so the
        // optimizer's clipping values are the model's (a later model.to(...) would replace a float32 one).
        AssertAll(model, optimizer, ScalarType.Float64, CPU);
        TrainStep(model, scheduler, optimizer, ScalarType.Float64, CPU);
        AssertAll(model, optimizer, ScalarType.Float64, CPU);
    }

    [Theory]
    [MemberData(nameof(Schedules))]
    public void QuantizerStateFollowsTheModel(string schedule)
    {
        torch.manual_seed(6);
        var model = new TypedResNet();
        var optimizer = optim.SGD(model.parameters(), 0.01);
        using var scheduler = Build(schedule, model, optimizer);
        TrainStep(model, scheduler, optimizer, ScalarType.Float32, CPU);
        model.to(ScalarType.Float64);
        using (torch.no_grad())
        {
            model.eval();
            Assert.Equal(ScalarType.Float64, model.call(torch.randn(2, 1, 8, 8, dtype: ScalarType.Float64)).dtype);
        }
        // Everything moved with the model (the range quantizer's per-layer scales when the layer next ran).
        foreach (var (name, b) in model.named_buffers().Where(b => b.buffer.is_floating_point()))
            Assert.True(b.dtype == ScalarType.Float64, $"buffer {name} is {b.dtype}");
        foreach (var (name, p) in model.named_parameters())
            Assert.True(p.dtype == ScalarType.Float64, $"parameter {name} is {p.dtype}");
    }

    [Fact]
    public void PruningMasksFollowTheModel()
    {
        torch.manual_seed(7);
        var model = new TypedResNet();
        var optimizer = optim.SGD(model.parameters(), 0.01);
        var path = Path.Combine(Path.GetTempPath(), $"typed-agp-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, """
            version: 1
            pruners:
              p:
                class: AutomatedGradualPruner
                initial_sparsity: 0.3
                final_sparsity: 0.5
                weights: [layer1.0.conv1.weight]
            policies:
              - pruner:
                  instance_name: p
                starting_epoch: 0
                ending_epoch: 3
                frequency: 1
            """);
        try
        {
            using var scheduler = CompressionSchedulerLoader.FromFile(model, optimizer, path);
            scheduler.OnEpochBegin(0);
            scheduler.OnMinibatchBegin(0, 0, 1);
            var weight = model.named_parameters().Single(p => p.name == "layer1.0.conv1.weight").parameter;
            long zeros = weight.logical_not().sum().item<long>();
            Assert.True(zeros >= weight.numel() * 3 / 10, $"{zeros} of {weight.numel()} pruned");
            model.to(ScalarType.Float64);
            weight = model.named_parameters().Single(p => p.name == "layer1.0.conv1.weight").parameter;
            using (torch.no_grad())
                weight.fill_(1);
            scheduler.OnMinibatchEnd(0, 0, 1); // re-applies the float32 mask to the float64 weight
            Assert.Equal(ScalarType.Float64, weight.dtype);
            Assert.Equal(zeros, weight.logical_not().sum().item<long>());
            Assert.Equal(ScalarType.Float64, scheduler.Masks["layer1.0.conv1.weight"].Mask!.dtype); // on CUDA: its device
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CudaSmoke()
    {
        if (!torch.cuda.is_available())
        {
            _out.WriteLine("Skipped: CUDA is not available to this build (it links the CPU libtorch unless built with -p:TorchBackend=cuda).");
            return;
        }
        var cuda = torch.CUDA;
        foreach (var schedule in new[] { "dorefa", "pact", "range" })
        {
            torch.manual_seed(8);
            var model = new TypedResNet();
            model.to(cuda);
            var optimizer = optim.SGD(model.parameters(), 0.01);
            using var scheduler = Build(schedule, model, optimizer);
            AssertAll(model, optimizer, ScalarType.Float32, cuda);
            TrainStep(model, scheduler, optimizer, ScalarType.Float32, cuda);
            AssertAll(model, optimizer, ScalarType.Float32, cuda);
        }
    }
}
