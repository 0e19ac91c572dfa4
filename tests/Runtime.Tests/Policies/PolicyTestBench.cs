using Distiller.Typed.Policies;
using Distiller.Typed.Pruning;
using Distiller.Typed.Scheduling;
using TorchSharp;
using TorchSharp.Modules;
using static Distiller.Typed.Tests.TestModels;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Policies;

/// <summary>
/// A 4-input linear layer without bias whose weight starts at [0.05, 0.5, -0.6, 0.7] (the first weight is under
/// a 0.1 magnitude threshold), plain SGD, fixed random data, and a scheduler; steps run the full callback order.
/// </summary>
internal sealed class PolicyTestBench : IDisposable
{
    private readonly DisposeScope _scope = NewDisposeScope();
    private readonly Tensor _x;
    private readonly Tensor _y;

    public PolicyTestBench(double momentum = 0)
    {
        manual_seed(11);
        Model = nn.Linear(4, 1, hasBias: false);
        Set(Model.weight!, 0.05f, 0.5f, -0.6f, 0.7f);
        _x = randn(8, 4);
        _y = randn(8, 1);
        Optimizer = optim.SGD(Model.parameters(), 0.1, momentum: momentum);
        Scheduler = new CompressionScheduler(Model, Optimizer);
    }

    public Linear Model { get; }
    public optim.Optimizer Optimizer { get; }
    public CompressionScheduler Scheduler { get; }
    public Tensor Weight => Model.weight!;
    public float W0 => Values(Weight)[0];
    public Tensor? Mask => Scheduler.Masks["weight"].Mask;

    public static MagnitudeParameterPruner Pruner() => new("m", new Dictionary<string, double> { ["*"] = 0.1 });

    public PruningPolicy AddPruning(PruningPolicyOptions options, int start = 0, int end = 1, IPruner? pruner = null)
    {
        var policy = new PruningPolicy(pruner ?? Pruner(), options);
        Scheduler.AddPolicy(policy, start, end);
        return policy;
    }

    public void Forward(int epoch, int mb, int n)
    {
        Scheduler.OnMinibatchBegin(epoch, mb, n);
        Optimizer.zero_grad();
        using var scope = NewDisposeScope();
        var loss = Scheduler.BeforeBackwardPass(epoch, mb, n, nn.functional.mse_loss(Model.call(_x), _y)).OverallLoss;
        loss.backward();
    }

    /// <summary>One whole minibatch; <paramref name="afterStep"/> runs between the optimizer step and OnMinibatchEnd.</summary>
    public void Step(int epoch, int mb, int n, Action? afterOptimization = null, Action? afterStep = null)
    {
        Forward(epoch, mb, n);
        Scheduler.BeforeParameterOptimization(epoch, mb, n);
        afterOptimization?.Invoke();
        Optimizer.step();
        afterStep?.Invoke();
        Scheduler.OnMinibatchEnd(epoch, mb, n);
    }

    public void Epoch(int epoch, int n)
    {
        Scheduler.OnEpochBegin(epoch);
        for (int mb = 0; mb < n; mb++)
            Step(epoch, mb, n);
        Scheduler.OnEpochEnd(epoch);
    }

    public void Dispose()
    {
        Scheduler.Dispose();
        _scope.Dispose();
    }
}
