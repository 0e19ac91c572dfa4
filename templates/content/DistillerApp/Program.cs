// Trains SmallConvNet on random 28×28 images for five epochs while the AGP schedule prunes it, and prints the
// sparsity of every parameter after each epoch. Replace the random batches with your data loader.
using DistillerApp.Models;
using static TorchSharp.torch;

random.manual_seed(1);
using var model = new SmallConvNet();
var optimizer = optim.SGD(model.parameters(), learningRate: 0.01, momentum: 0.9);
using var scheduler = SmallConvNetAgpSchedule.Build(model);
const int minibatches = 4;
for (var epoch = 0; epoch < 5; epoch++)
{
    scheduler.OnEpochBegin(epoch);
    for (var batch = 0; batch < minibatches; batch++)
    {
        using var scope = NewDisposeScope();
        var input = randn(32, 1, 28, 28);
        var target = randint(0, 10, [32]);
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
        Console.WriteLine($"sparsity {epoch} {name} {parameter.eq(0).sum().item<long>()} {parameter.numel()}");
}
