using Distiller.Typed.Policies;
using Distiller.Typed.Pruning;
using Distiller.Typed.Scheduling;
using TorchSharp;
using static Distiller.Typed.Tests.TestModels;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Scheduling;

/// <summary>
/// 6 epochs in one run equal 3 epochs, a checkpoint (model, optimizer, scheduler), fresh objects loaded from it,
/// and 3 more epochs: the same masks and weights, bit for bit on the CPU.
/// </summary>
public class ResumeTests
{
    private const int Epochs = 6;
    private const int Minibatches = 4;

    private sealed class Run : IDisposable
    {
        public Run(int initSeed)
        {
            manual_seed(initSeed);
            Model = nn.Sequential(("fc1", nn.Linear(8, 16)), ("relu", nn.ReLU()), ("fc2", nn.Linear(16, 4)));
            Optimizer = optim.SGD(Model.parameters(), 0.1, momentum: 0.9, weight_decay: 1e-4);
            Scheduler = new CompressionScheduler(Model, Optimizer);
            // AGP every epoch 0..5 (span 5); a sensitivity pruner at epochs 1 and 3 whose std is measured at epoch 1
            // and must survive the checkpoint; a splicing pruner with forward-only masking and kept statistics.
            Scheduler.AddPolicy(new PruningPolicy(new AutomatedGradualPruner("agp", 0.1, 0.7, new[] { "fc1.weight", "fc2.weight" })), 0, 6);
            Scheduler.AddPolicy(new PruningPolicy(new SplicingPruner("dns", new Dictionary<string, double> { ["fc2.bias"] = 0.2 }, 0.9, 1.1),
                new PruningPolicyOptions { MaskOnForwardOnly = true }), 0, 6);
            Scheduler.AddPolicy(new PruningPolicy(new SensitivityPruner("sens", new Dictionary<string, double> { ["fc1.bias"] = 0.5 })), 1, 5, 2);
        }

        public TorchSharp.Modules.Sequential Model { get; }
        public TorchSharp.Modules.SGD Optimizer { get; }
        public CompressionScheduler Scheduler { get; }

        public void Train(int fromEpoch, int toEpoch, Tensor[] x, Tensor[] y)
        {
            for (int epoch = fromEpoch; epoch < toEpoch; epoch++)
            {
                Scheduler.OnEpochBegin(epoch);
                for (int mb = 0; mb < Minibatches; mb++)
                {
                    using var scope = NewDisposeScope();
                    Scheduler.OnMinibatchBegin(epoch, mb, Minibatches);
                    Optimizer.zero_grad();
                    var loss = nn.functional.cross_entropy(Model.call(x[mb]), y[mb]);
                    Scheduler.BeforeBackwardPass(epoch, mb, Minibatches, loss).OverallLoss.backward();
                    Scheduler.BeforeParameterOptimization(epoch, mb, Minibatches);
                    Optimizer.step();
                    Scheduler.OnMinibatchEnd(epoch, mb, Minibatches);
                }
                Scheduler.OnEpochEnd(epoch);
            }
        }

        public void Dispose()
        {
            Scheduler.Dispose();
            Model.Dispose();
        }
    }

    [Fact]
    public void SixEpochsEqualThreeSaveLoadThree()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var x = Enumerable.Range(0, Minibatches).Select(_ => randn(8, 8)).ToArray();
        var y = Enumerable.Range(0, Minibatches).Select(_ => randint(0, 4, new long[] { 8 })).ToArray();

        using var straight = new Run(initSeed: 1);
        straight.Train(0, Epochs, x, y);

        var checkpoint = Path.Combine(Path.GetTempPath(), $"distiller-typed-resume-{Guid.NewGuid():N}");
        Directory.CreateDirectory(checkpoint);
        try
        {
            using (var first = new Run(initSeed: 1))
            {
                first.Train(0, 3, x, y);
                first.Model.save(Path.Combine(checkpoint, "model.bin"));
                first.Optimizer.save_state_dict(Path.Combine(checkpoint, "optimizer.bin"));
                first.Scheduler.SaveState(Path.Combine(checkpoint, "scheduler.bin"));
            }

            using var resumed = new Run(initSeed: 999); // different initial weights: everything must come from the checkpoint
            resumed.Model.load(Path.Combine(checkpoint, "model.bin"));
            resumed.Optimizer.load_state_dict(Path.Combine(checkpoint, "optimizer.bin"));
            resumed.Scheduler.LoadState(Path.Combine(checkpoint, "scheduler.bin"));
            resumed.Train(3, Epochs, x, y);

            var expected = straight.Model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
            foreach (var (name, parameter) in resumed.Model.named_parameters())
                Assert.True(Same(expected[name], parameter), $"parameter {name} differs after resuming");
            foreach (var (name, masker) in straight.Scheduler.Masks)
            {
                var other = resumed.Scheduler.Masks[name];
                Assert.Equal(masker.Mask is null, other.Mask is null);
                if (masker.Mask is not null)
                    Assert.True(Same(masker.Mask, other.Mask!), $"mask of {name} differs after resuming");
                Assert.Equal(masker.MaskOnForwardOnly, other.MaskOnForwardOnly);
            }
            // The schedule really pruned: fc1.weight ends at int(0.7 × 128) = 89 zeros.
            Assert.Equal(89, straight.Scheduler.Masks["fc1.weight"].Mask!.logical_not().sum().ToInt64());
            Assert.NotNull(straight.Scheduler.Masks["fc1.bias"].Mask);
        }
        finally
        {
            Directory.Delete(checkpoint, recursive: true);
        }
    }

    [Fact]
    public void WithoutTheSchedulerStateTheResumedRunDiffers()
    {
        // The same resume without loading the scheduler state: the sensitivity pruner re-measures its std at epoch 3
        // and the masks of epochs 3..5 start from nothing, so the result must differ (else the test above proves little).
        using var scope = NewDisposeScope();
        manual_seed(5);
        var x = Enumerable.Range(0, Minibatches).Select(_ => randn(8, 8)).ToArray();
        var y = Enumerable.Range(0, Minibatches).Select(_ => randint(0, 4, new long[] { 8 })).ToArray();
        using var straight = new Run(initSeed: 1);
        straight.Train(0, Epochs, x, y);

        using var model = new MemoryStream();
        using var optimizer = new MemoryStream();
        using (var first = new Run(initSeed: 1))
        {
            first.Train(0, 3, x, y);
            first.Model.save(new BinaryWriter(model));
            first.Optimizer.save_state_dict(new BinaryWriter(optimizer));
        }
        model.Position = 0;
        optimizer.Position = 0;
        using var resumed = new Run(initSeed: 999);
        resumed.Model.load(new BinaryReader(model));
        resumed.Optimizer.load_state_dict(new BinaryReader(optimizer));
        resumed.Train(3, Epochs, x, y);
        var expected = straight.Model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        Assert.Contains(resumed.Model.named_parameters(), p => !Same(expected[p.name], p.parameter));
    }
}
