using BenchmarkDotNet.Attributes;
using Distiller.Typed.Policies;
using Distiller.Typed.Pruning;
using Distiller.Typed.Regularization;
using Distiller.Typed.Scheduling;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Benchmarks;

/// <summary>
/// One ResNet-20 training step (batch 128, 3x32x32, SGD with momentum) plain and under an AGP schedule on every
/// conv weight (0.05 → 0.8 over epochs 0..30 every 2, measured at epoch 4 where the policy is active, so every
/// callback runs: masks applied at minibatch begin and re-applied after the step), and the time to compute every
/// AGP mask at an epoch boundary; and the same AGP schedule plus L1 regularization (strength 1e-5) of every conv weight. Run: <c>dotnet run -c Release -- --filter '*'</c>.
/// </summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private const int Epoch = 4;
    private ResNet20 _model = null!;
    private optim.Optimizer _optimizer = null!;
    private CompressionScheduler _scheduler = null!;
    private CompressionScheduler _schedulerWithL1 = null!;
    private Tensor _input = null!;
    private Tensor _target = null!;

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(0);
        _model = new ResNet20();
        _optimizer = optim.SGD(_model.parameters(), 0.1, momentum: 0.9, weight_decay: 1e-4);
        _input = randn(128, 3, 32, 32);
        _target = randint(0, 10, new long[] { 128 });
        _scheduler = new CompressionScheduler(_model, _optimizer);
        var convWeights = _model.named_parameters().Where(p => p.parameter.dim() == 4).Select(p => p.name).ToArray();
        _scheduler.AddPolicy(new PruningPolicy(new AutomatedGradualPruner("agp", 0.05, 0.8, convWeights)), 0, 30, 2);
        _scheduler.OnEpochBegin(Epoch);

        _schedulerWithL1 = new CompressionScheduler(_model, _optimizer);
        _schedulerWithL1.AddPolicy(new PruningPolicy(new AutomatedGradualPruner("agp", 0.05, 0.8, convWeights)), 0, 30, 2);
        var strengths = convWeights.ToDictionary(name => name, _ => 1e-5);
        _schedulerWithL1.AddPolicy(new RegularizationPolicy(new L1Regularizer("l1", _model, strengths)), 0, 30, 1);
        _schedulerWithL1.OnEpochBegin(Epoch);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _scheduler.Dispose();
        _schedulerWithL1.Dispose();
        _model.Dispose();
        _input.Dispose();
        _target.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void TrainingStepPlain()
    {
        using var scope = NewDisposeScope();
        _optimizer.zero_grad();
        nn.functional.cross_entropy(_model.call(_input), _target).backward();
        _optimizer.step();
    }

    [Benchmark]
    public void TrainingStepWithAgp() => ScheduledStep(_scheduler);

    [Benchmark]
    public void TrainingStepWithAgpAndL1() => ScheduledStep(_schedulerWithL1);

    private void ScheduledStep(CompressionScheduler scheduler)
    {
        using var scope = NewDisposeScope();
        scheduler.OnMinibatchBegin(Epoch, 1, 390);
        _optimizer.zero_grad();
        var loss = scheduler.BeforeBackwardPass(Epoch, 1, 390, nn.functional.cross_entropy(_model.call(_input), _target)).OverallLoss;
        loss.backward();
        scheduler.BeforeParameterOptimization(Epoch, 1, 390);
        _optimizer.step();
        scheduler.OnMinibatchEnd(Epoch, 1, 390);
    }

    /// <summary>Every AGP mask of ResNet-20's conv weights, as at an epoch boundary (target ≤ 10 ms).</summary>
    [Benchmark]
    public void ComputeAllAgpMasksAtEpochBegin() => _scheduler.OnEpochBegin(Epoch);
}
