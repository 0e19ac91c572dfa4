using Distiller.Typed.Masks;
using Distiller.Typed.Policies;
using Distiller.Typed.Pruning;
using Distiller.Typed.Scheduling;
using TorchSharp;
using TorchSharp.Modules;
using static Distiller.Typed.Tests.TestModels;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Policies;

/// <summary>Each pruning-policy argument, with a test that fails without it.</summary>
public class PruningPolicyTests
{
    [Fact]
    public void LevelsReplaceThePrunersLevels()
    {
        // weight [0.05, 0.5, -0.6, 0.7]: pruner level 0.25 → k = 1 → [0, 1, 1, 1]; policy levels 0.5 → k = 2 → [0, 0, 1, 1]
        foreach (var (levels, expected) in new[]
                 {
                     ((IReadOnlyDictionary<string, double>?)null, new[] { 0f, 1f, 1f, 1f }),
                     (new Dictionary<string, double> { ["weight"] = 0.5 }, new[] { 0f, 0f, 1f, 1f }),
                 })
        {
            using var bench = new PolicyTestBench();
            var pruner = new SparsityLevelParameterPruner("level", new Dictionary<string, double> { ["weight"] = 0.25 });
            bench.AddPruning(new PruningPolicyOptions { Levels = levels }, pruner: pruner);
            bench.Scheduler.OnEpochBegin(0);
            Assert.Equal(expected, Values(bench.Mask!));
        }
    }

    [Fact]
    public void LevelsAreRejectedForPrunersWithoutLevels()
    {
        var e = Assert.Throws<ArgumentException>(() => new PruningPolicy(PolicyTestBench.Pruner(),
            new PruningPolicyOptions { Levels = new Dictionary<string, double> { ["*"] = 0.5 } }));
        Assert.Contains("levels applies only", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PruningPolicy(
            new SparsityLevelParameterPruner("l", new Dictionary<string, double> { ["*"] = 0.5 }),
            new PruningPolicyOptions { Levels = new Dictionary<string, double> { ["*"] = 2 } }));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void KeepMaskMasksForGoodAfterTheLastEpoch(bool keepMask)
    {
        // Forward-only masking at epoch 0 lets the step move w0; with keep_mask the end of the last epoch masks it
        // and turns forward-only masking off, so the scheduler keeps it at 0 during epoch 1; without, it trains on.
        using var bench = new PolicyTestBench();
        bench.AddPruning(new PruningPolicyOptions { MaskOnForwardOnly = true, KeepMask = keepMask });
        bench.Epoch(0, 2);
        bench.Epoch(1, 2);
        if (keepMask)
        {
            Assert.Equal(0f, bench.W0);
            Assert.False(bench.Scheduler.Masks["weight"].MaskOnForwardOnly);
        }
        else
        {
            Assert.NotEqual(0f, bench.W0);
        }
    }

    private sealed class CountingPruner : IPruner
    {
        public int Calls { get; private set; }
        public string Name => "counting";
        public IReadOnlyCollection<string> ParameterNames => new[] { "weight" };
        public void SetParameterMask(Tensor parameter, string parameterName, MaskDictionary masks, PruningMeta meta)
        {
            Calls++;
            masks[parameterName].Mask = ones_like(parameter);
        }
    }

    [Theory]
    [InlineData(2, new[] { 1, 1, 1, 2, 3, 3, 4, 4 })]
    [InlineData(0, new[] { 1, 1, 1, 1, 2, 2, 2, 2 })]
    public void MiniBatchPruningFrequencyRecomputesMasksOnGlobalMinibatchMultiples(int frequency, int[] expected)
    {
        // 3 minibatches per epoch, frequency 2: globals 0,1,2 | 3,4,5. Masks at epoch begins, at global 2
        // (epoch 0, mb 2) and at global 4 (epoch 1, mb 1); never on a minibatch 0.
        // Calls after: EB0, mb0, mb1, mb2, EB1, mb0, mb1, mb2.
        using var bench = new PolicyTestBench();
        var pruner = new CountingPruner();
        bench.AddPruning(new PruningPolicyOptions { MiniBatchPruningFrequency = frequency }, 0, 2, pruner);
        var counts = new List<int>();
        for (int epoch = 0; epoch < 2; epoch++)
        {
            bench.Scheduler.OnEpochBegin(epoch);
            counts.Add(pruner.Calls);
            for (int mb = 0; mb < 3; mb++)
            {
                bench.Step(epoch, mb, 3);
                counts.Add(pruner.Calls);
            }
            bench.Scheduler.OnEpochEnd(epoch);
        }
        Assert.Equal(expected, counts);
    }

    [Fact]
    public void MiniBatchPruningFrequencyMustNotBeNegative() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PruningPolicy(PolicyTestBench.Pruner(), new PruningPolicyOptions { MiniBatchPruningFrequency = -1 }));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MaskOnForwardOnlyLeavesTheStepsUpdateUntilTheNextForward(bool forwardOnly)
    {
        using var bench = new PolicyTestBench();
        bench.AddPruning(new PruningPolicyOptions { MaskOnForwardOnly = forwardOnly }, 0, 2);
        bench.Scheduler.OnEpochBegin(0);
        bench.Step(0, 0, 2);
        if (forwardOnly)
            Assert.NotEqual(0f, bench.W0);
        else
            Assert.Equal(0f, bench.W0);
        bench.Scheduler.OnMinibatchBegin(0, 1, 2);
        Assert.Equal(0f, bench.W0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MaskGradientsZeroesPrunedGradientsBeforeTheStep(bool maskGradients)
    {
        using var bench = new PolicyTestBench();
        bench.AddPruning(new PruningPolicyOptions { MaskOnForwardOnly = true, MaskGradients = maskGradients });
        bench.Scheduler.OnEpochBegin(0);
        float grad0 = float.NaN;
        bench.Step(0, 0, 1, afterOptimization: () => grad0 = Values(bench.Weight.grad!)[0]);
        if (maskGradients)
        {
            Assert.Equal(0f, grad0);
            Assert.Equal(0f, bench.W0); // plain SGD with a zero gradient leaves the pruned weight at 0
        }
        else
        {
            Assert.NotEqual(0f, grad0);
            Assert.NotEqual(0f, bench.W0);
        }
        bench.Scheduler.OnEpochEnd(0);
        Assert.False(bench.Scheduler.Masks["weight"].MaskGradients); // the hook ends with the last epoch
    }

    [Fact]
    public void MaskGradientsRequiresMaskOnForwardOnly()
    {
        var e = Assert.Throws<ArgumentException>(() => new PruningPolicy(PolicyTestBench.Pruner(), new PruningPolicyOptions { MaskGradients = true }));
        Assert.Contains("mask_on_forward_only", e.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void UseDoubleCopiesRestoresTheDenseWeightsForTheStep(bool doubleCopies)
    {
        using var bench = new PolicyTestBench();
        bench.AddPruning(new PruningPolicyOptions { MaskOnForwardOnly = true, UseDoubleCopies = doubleCopies });
        bench.Scheduler.OnEpochBegin(0);
        bench.Forward(0, 0, 1);
        Assert.Equal(0f, bench.W0); // the forward pass used the masked weight
        bench.Scheduler.BeforeParameterOptimization(0, 0, 1);
        Assert.Equal(doubleCopies ? 0.05f : 0f, bench.W0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DiscardMasksAtMinibatchEndDropsEveryMask(bool discard)
    {
        using var bench = new PolicyTestBench();
        bench.AddPruning(new PruningPolicyOptions { DiscardMasksAtMinibatchEnd = discard });
        bench.Scheduler.OnEpochBegin(0);
        bench.Step(0, 0, 2);
        Assert.Equal(discard, bench.Mask is null);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SkipFirstMinibatchMakesTheFirstMasksAtGlobalMinibatchOne(bool skip)
    {
        using var bench = new PolicyTestBench();
        bench.AddPruning(new PruningPolicyOptions { SkipFirstMinibatch = skip }, 0, 2);
        bench.Scheduler.OnEpochBegin(0);
        Assert.Equal(skip, bench.Mask is null);
        bench.Step(0, 0, 3);
        Assert.Equal(skip, bench.Mask is null);
        Assert.Equal(skip, bench.W0 != 0f);
        var before = Values(bench.Weight);
        bench.Scheduler.OnMinibatchBegin(0, 1, 3);
        Assert.NotNull(bench.Mask);
        Assert.Equal(before.Select(v => Math.Abs(v) > 0.1f ? 1f : 0f), Values(bench.Mask!)); // pruned at global minibatch 1
    }

    [Theory]
    [InlineData(true, new[] { 1f, 0f })]
    [InlineData(false, new[] { 0f, 1f })]
    public void FoldBatchNormRanksConvWeightsScaledByTheFollowingBatchNorm(bool fold, float[] expected)
    {
        // conv 1→2 (1x1, no bias) weights [0.5, 1.5]; BN running_var [0.01, 1], γ [1, 0.5], eps 1e-5; threshold 1.
        // folded: 0.5 × 1 / sqrt(0.01001) = 4.9975 (kept); 1.5 × 0.5 / sqrt(1.00001) = 0.749996 (pruned) → [1, 0]
        // unfolded: 0.5 pruned, 1.5 kept → [0, 1]
        using var scope = NewDisposeScope();
        var conv = nn.Conv2d(1, 2, 1, bias: false);
        var bn = nn.BatchNorm2d(2);
        using var model = nn.Sequential(("conv", conv), ("bn", bn));
        Set(conv.weight!, 0.5f, 1.5f);
        Set(bn.weight!, 1f, 0.5f);
        using (no_grad())
            bn.running_var!.copy_(tensor(new[] { 0.01f, 1f }));
        using var scheduler = new CompressionScheduler(model);
        var pruner = new MagnitudeParameterPruner("m", new Dictionary<string, double> { ["conv.weight"] = 1.0, ["*"] = 0 });
        scheduler.AddPolicy(new PruningPolicy(pruner, new PruningPolicyOptions { FoldBatchNorm = fold, InputShape = fold ? new long[] { 1, 1, 2, 2 } : null }), 0, 1);
        scheduler.OnEpochBegin(0);
        Assert.Equal(expected, Values(scheduler.Masks["conv.weight"].Mask!));
        Assert.Equal(new[] { 0.01f, 1f }, Values(bn.running_var!)); // tracing ran in eval mode
        Assert.True(model.training);
    }

    [Fact]
    public void FoldBatchNormFindsDirectConvToBatchNormEdgesOnly()
    {
        using var scope = NewDisposeScope();
        using var model = nn.Sequential(
            ("c1", nn.Conv2d(1, 2, 3)), ("b1", nn.BatchNorm2d(2)),
            ("c2", nn.Conv2d(2, 2, 3)), ("r", nn.ReLU()), ("b2", nn.BatchNorm2d(2)));
        var folding = BatchNormFoldedWeights.Trace(model, new long[] { 1, 1, 8, 8 });
        Assert.Equal(new Dictionary<string, string> { ["c1.weight"] = "b1" }, folding.Pairs);
        Assert.Null(folding.Fold("c2.weight"));
        Assert.Null(folding.Fold("c1.bias"));
    }

    [Fact]
    public void FoldBatchNormNeedsTheInputShape()
    {
        var e = Assert.Throws<ArgumentException>(() => new PruningPolicy(PolicyTestBench.Pruner(), new PruningPolicyOptions { FoldBatchNorm = true }));
        Assert.Contains("InputShape", e.Message);
    }

    [Fact]
    public void InitializationConfiguresEveryMaskerAsDistiller()
    {
        using var bench = new PolicyTestBench();
        bench.AddPruning(new PruningPolicyOptions { MaskOnForwardOnly = true, UseDoubleCopies = true, MaskGradients = true });
        bench.Scheduler.OnEpochBegin(0);
        var masker = bench.Scheduler.Masks["weight"];
        Assert.True(masker.MaskOnForwardOnly && masker.UseDoubleCopies && masker.MaskGradients);
    }

    [Fact]
    public void APolicyCalledWithoutASchedulerNeedsASchedule()
    {
        using var model = nn.Linear(2, 2);
        using var masks = MaskDictionary.For(model);
        var policy = new PruningPolicy(PolicyTestBench.Pruner());
        var e = Assert.Throws<InvalidOperationException>(() => policy.OnEpochBegin(new EpochContext(model, masks, 0, null)));
        Assert.Contains("schedule", e.Message);
    }
}
