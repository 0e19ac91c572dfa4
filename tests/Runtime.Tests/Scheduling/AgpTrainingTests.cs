using Distiller.Typed.Tests.Scheduling.Loading;
using Distiller.Typed.Policies;
using Distiller.Typed.Pruning;
using Distiller.Typed.Scheduling;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Scheduling;

/// <summary>
/// Distiller's examples/agp-pruning/alexnet.schedule_agp.yaml, scaled down to a small CNN built by hand:
/// conv2 0.03→0.62, conv3 0.03→0.65, conv4/conv5 0.03→0.43 on epochs 1..11 every 2; fc1/fc2 0.05→0.91 and
/// fc3 0.05→0.75 on epochs 0..18 every 2. After training, each pruned weight has int(final × numel) zeros,
/// give or take one element.
/// </summary>
public class AgpTrainingTests
{
    [Fact]
    public void EachPrunedWeightEndsWithinOneElementOfItsTargetSparsity()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var model = new LoadingModels.AlexNetLike();
        var optimizer = optim.SGD(model.parameters(), 0.05, momentum: 0.9, weight_decay: 1e-4);
        using var scheduler = new CompressionScheduler(model, optimizer);

        var finals = new Dictionary<string, double>();
        void Agp(string name, double initial, double final, int start, int end, params string[] weights)
        {
            scheduler.AddPolicy(new PruningPolicy(new AutomatedGradualPruner(name, initial, final, weights)), start, end, 2);
            foreach (var w in weights)
                finals[w] = final;
        }
        Agp("conv2_pruner", 0.03, 0.62, 1, 11, "features.3.weight");
        Agp("conv3_pruner", 0.03, 0.65, 1, 11, "features.6.weight");
        Agp("conv45_pruner", 0.03, 0.43, 1, 11, "features.8.weight", "features.10.weight");
        Agp("fc_pruner", 0.05, 0.91, 0, 18, "classifier.1.weight", "classifier.4.weight");
        Agp("fc3_pruner", 0.05, 0.75, 0, 18, "classifier.6.weight");

        var x = randn(new long[] { 2, 16, 3, 16, 16 });
        var y = randint(0, 10, new long[] { 2, 16 });
        const int epochs = 20, minibatches = 2;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            scheduler.OnEpochBegin(epoch);
            for (int mb = 0; mb < minibatches; mb++)
            {
                using var step = NewDisposeScope();
                scheduler.OnMinibatchBegin(epoch, mb, minibatches);
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.call(x[mb]), y[mb]);
                scheduler.BeforeBackwardPass(epoch, mb, minibatches, loss).OverallLoss.backward();
                scheduler.BeforeParameterOptimization(epoch, mb, minibatches);
                optimizer.step();
                scheduler.OnMinibatchEnd(epoch, mb, minibatches);
            }
            scheduler.OnEpochEnd(epoch);
        }

        var parameters = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        foreach (var (name, final) in finals)
        {
            var weight = parameters[name];
            long target = (long)(final * weight.numel());
            long zeros = weight.logical_not().sum().ToInt64();
            Assert.True(Math.Abs(zeros - target) <= 1, $"{name}: {zeros} zeros, target int({final} × {weight.numel()}) = {target}");
        }
        Assert.Equal(0, parameters["features.0.weight"].logical_not().sum().ToInt64()); // conv1 is not pruned, as in the schedule
    }
}
