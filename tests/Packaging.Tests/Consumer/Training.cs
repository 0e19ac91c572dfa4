// Trains TinyNet on random data for the schedule's epochs with the generated builder's scheduler, and prints each
// parameter's zeros after every epoch: "sparsity EPOCH NAME ZEROS NUMEL".
using static TorchSharp.torch;

namespace Consumer;

public static class Training
{
    public static void Run()
    {
        random.manual_seed(20261203);
        using var model = new TinyNet();
        var optimizer = optim.SGD(model.parameters(), 0.01);
        using var scheduler = TinyNetAgpSchedule.Build(model);
        const int minibatches = 3;
        for (var epoch = 0; epoch < 4; epoch++)
        {
            scheduler.OnEpochBegin(epoch);
            for (var batch = 0; batch < minibatches; batch++)
            {
                using var scope = NewDisposeScope();
                var input = randn(16, 1, 8, 8);
                var target = randint(0, 6, [16]);
                scheduler.OnMinibatchBegin(epoch, batch, minibatches);
                var loss = nn.functional.cross_entropy(model.call(input), target);
                loss = scheduler.BeforeBackwardPass(epoch, batch, minibatches, loss).OverallLoss;
                optimizer.zero_grad();
                loss.backward();
                scheduler.BeforeParameterOptimization(epoch, batch, minibatches);
                optimizer.step();
                scheduler.OnMinibatchEnd(epoch, batch, minibatches);
            }

            scheduler.OnEpochEnd(epoch);
            foreach (var (name, parameter) in model.named_parameters())
                Console.WriteLine($"sparsity {epoch} {name} {parameter.logical_not().sum().item<long>()} {parameter.numel()}");
        }
    }
}
