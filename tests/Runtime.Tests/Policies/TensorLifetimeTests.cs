using Distiller.Typed.Policies;
using Distiller.Typed.Pruning;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Policies;

public class TensorLifetimeTests
{
    [Fact]
    public void NoTensorOutlivesAMinibatch()
    {
        // Every path a minibatch takes: masks recomputed every minibatch, forward-only masking, double copies and
        // gradient masking. Over the scheduler's callbacks of a minibatch the number of live tensors on this thread
        // must not grow (the optimizer's own calls are left out: TorchSharp's zero_grad keeps a handle per call).
        using var bench = new PolicyTestBench();
        var pruner = new SparsityLevelParameterPruner("level", new Dictionary<string, double> { ["*"] = 0.5 });
        bench.AddPruning(new PruningPolicyOptions
        {
            MiniBatchPruningFrequency = 1, MaskOnForwardOnly = true, UseDoubleCopies = true, MaskGradients = true,
        }, 0, 3, pruner);
        bench.Scheduler.OnEpochBegin(0);
        bench.Step(0, 0, 8);
        static long Live() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        long growth = 0;
        for (int mb = 1; mb < 8; mb++)
        {
            long before = Live();
            bench.Scheduler.OnMinibatchBegin(0, mb, 8);
            long optimizerBefore = Live();
            bench.Optimizer.zero_grad();
            long optimizerGrowth = Live() - optimizerBefore;
            using (NewDisposeScope())
                bench.Scheduler.BeforeBackwardPass(0, mb, 8, nn.functional.mse_loss(bench.Model.call(ones(8, 4)), ones(8, 1))).OverallLoss.backward();
            bench.Scheduler.BeforeParameterOptimization(0, mb, 8);
            optimizerBefore = Live();
            bench.Optimizer.step();
            optimizerGrowth += Live() - optimizerBefore;
            bench.Scheduler.OnMinibatchEnd(0, mb, 8);
            growth += Live() - before - optimizerGrowth;
        }
        Assert.Equal(0, growth);
    }
}
