using Distiller.Typed.Policies;
using Distiller.Typed.Pruning;
using Distiller.Typed.Scheduling;
using TorchSharp;
using static Distiller.Typed.Tests.TestModels;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Scheduling;

public class CompressionSchedulerTests
{
    /// <summary>Logs every callback as "Callback@epoch[.minibatch]" and adds <c>term</c> to the loss.</summary>
    private sealed class RecordingPolicy : Policy
    {
        private readonly List<string> _log;
        private readonly string _id;
        private readonly float? _term;

        public RecordingPolicy(List<string> log, string id, float? term = null) => (_log, _id, _term) = (log, id, term);

        public override string Name => _id;
        public List<EpochContext> Contexts { get; } = new();

        public override void OnEpochBegin(EpochContext c) { Contexts.Add(c); _log.Add($"{_id}.OnEpochBegin@{c.Epoch}"); }
        public override void OnMinibatchBegin(MinibatchContext c) => _log.Add($"{_id}.OnMinibatchBegin@{c.Epoch}.{c.Minibatch}");
        public override PolicyLoss? BeforeBackwardPass(MinibatchContext c, Tensor loss)
        {
            _log.Add($"{_id}.BeforeBackwardPass@{c.Epoch}.{c.Minibatch}");
            if (_term is not float term)
                return null;
            var t = tensor(term);
            return new PolicyLoss(loss + t, new[] { new LossComponent(_id + "_loss", t) });
        }
        public override void BeforeParameterOptimization(MinibatchContext c) => _log.Add($"{_id}.BeforeParameterOptimization@{c.Epoch}.{c.Minibatch}");
        public override void OnMinibatchEnd(MinibatchContext c) => _log.Add($"{_id}.OnMinibatchEnd@{c.Epoch}.{c.Minibatch}");
        public override void OnEpochEnd(EpochContext c) { Contexts.Add(c); _log.Add($"{_id}.OnEpochEnd@{c.Epoch}"); }
    }

    private static void RunEpochs(CompressionScheduler scheduler, int epochs, int minibatches)
    {
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            scheduler.OnEpochBegin(epoch);
            for (int mb = 0; mb < minibatches; mb++)
            {
                using var scope = NewDisposeScope();
                scheduler.OnMinibatchBegin(epoch, mb, minibatches);
                scheduler.BeforeBackwardPass(epoch, mb, minibatches, tensor(0f));
                scheduler.BeforeParameterOptimization(epoch, mb, minibatches);
                scheduler.OnMinibatchEnd(epoch, mb, minibatches);
            }
            scheduler.OnEpochEnd(epoch);
        }
    }

    private static int[] EpochsSeen(List<string> log, string id) =>
        log.Where(l => l.StartsWith(id + ".OnEpochBegin@", StringComparison.Ordinal))
           .Select(l => int.Parse(l[(l.IndexOf('@') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public void PoliciesRunOnDistillersEpochs()
    {
        // Distiller: range(starting_epoch, ending_epoch, frequency), ending excluded; an epochs list as given.
        using var model = nn.Linear(2, 2);
        using var scheduler = new CompressionScheduler(model);
        var log = new List<string>();
        scheduler.AddPolicy(new RecordingPolicy(log, "every3"), 0, 10, 3);
        scheduler.AddPolicy(new RecordingPolicy(log, "range"), 2, 5);
        scheduler.AddPolicy(new RecordingPolicy(log, "list"), new[] { 1, 4, 7 });
        RunEpochs(scheduler, 12, 1);
        Assert.Equal(new[] { 0, 3, 6, 9 }, EpochsSeen(log, "every3"));
        Assert.Equal(new[] { 2, 3, 4 }, EpochsSeen(log, "range"));
        Assert.Equal(new[] { 1, 4, 7 }, EpochsSeen(log, "list"));
        Assert.Equal(new[] { "every3", "range" }, scheduler.ActivePolicies(3).Select(p => p.Name));
    }

    [Fact]
    public void ContextsCarryDistillersMeta()
    {
        using var model = nn.Linear(2, 2);
        using var scheduler = new CompressionScheduler(model);
        var log = new List<string>();
        var range = new RecordingPolicy(log, "range");
        var list = new RecordingPolicy(log, "list");
        scheduler.AddPolicy(range, 2, 9, 3);
        scheduler.AddPolicy(list, new[] { 1, 4, 7 });
        RunEpochs(scheduler, 9, 1);
        var r = range.Contexts[0].Schedule!;
        Assert.Equal((2, 9, (int?)3), (r.StartingEpoch, r.EndingEpoch, r.Frequency));
        Assert.True(r.IsLastEpoch(8));
        var l = list.Contexts[0].Schedule!;
        Assert.Equal((1, 8, (int?)null), (l.StartingEpoch, l.EndingEpoch, l.Frequency)); // epochs[0], epochs[-1] + 1, None
    }

    [Fact]
    public void CallbacksRunInTrainingLoopOrderForEveryActivePolicyInAddOrder()
    {
        using var model = nn.Linear(2, 2);
        using var scheduler = new CompressionScheduler(model);
        var log = new List<string>();
        scheduler.AddPolicy(new RecordingPolicy(log, "a"), 0, 1);
        scheduler.AddPolicy(new RecordingPolicy(log, "b"), 0, 1);
        RunEpochs(scheduler, 1, 2);
        Assert.Equal(new[]
        {
            "a.OnEpochBegin@0", "b.OnEpochBegin@0",
            "a.OnMinibatchBegin@0.0", "b.OnMinibatchBegin@0.0", "a.BeforeBackwardPass@0.0", "b.BeforeBackwardPass@0.0",
            "a.BeforeParameterOptimization@0.0", "b.BeforeParameterOptimization@0.0", "a.OnMinibatchEnd@0.0", "b.OnMinibatchEnd@0.0",
            "a.OnMinibatchBegin@0.1", "b.OnMinibatchBegin@0.1", "a.BeforeBackwardPass@0.1", "b.BeforeBackwardPass@0.1",
            "a.BeforeParameterOptimization@0.1", "b.BeforeParameterOptimization@0.1", "a.OnMinibatchEnd@0.1", "b.OnMinibatchEnd@0.1",
            "a.OnEpochEnd@0", "b.OnEpochEnd@0",
        }, log);
    }

    [Fact]
    public void BeforeBackwardPassAddsEveryPolicysTermAndNamesThem()
    {
        // 1.5 + 0.25 (a) + 2 (b) = 3.75; "c" adds nothing; "late" is not active at epoch 0.
        using var scope = NewDisposeScope();
        using var model = nn.Linear(2, 2);
        using var scheduler = new CompressionScheduler(model);
        var log = new List<string>();
        scheduler.AddPolicy(new RecordingPolicy(log, "a", 0.25f), 0, 2);
        scheduler.AddPolicy(new RecordingPolicy(log, "c"), 0, 2);
        scheduler.AddPolicy(new RecordingPolicy(log, "b", 2f), 0, 2);
        scheduler.AddPolicy(new RecordingPolicy(log, "late", 100f), 1, 2);
        var result = scheduler.BeforeBackwardPass(0, 0, 1, tensor(1.5f));
        Assert.Equal(3.75f, result.OverallLoss.ToSingle());
        Assert.Equal(new[] { "a_loss", "b_loss" }, result.Components.Select(c => c.Name));
        Assert.Equal(new[] { 0.25f, 2f }, result.Components.Select(c => c.Value.ToSingle()));
    }

    [Theory]
    [InlineData(-1, 3, 1, "startingEpoch")]
    [InlineData(3, 3, 1, "endingEpoch")]
    [InlineData(0, 3, 0, "frequency")]
    [InlineData(0, 3, 4, "frequency")]
    public void AddPolicyRejectsWhatDistillerAsserts(int start, int end, int frequency, string parameter)
    {
        using var model = nn.Linear(2, 2);
        using var scheduler = new CompressionScheduler(model);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.AddPolicy(new RecordingPolicy(new(), "p"), start, end, frequency));
        Assert.Equal(parameter, e.ParamName);
    }

    [Fact]
    public void AddPolicyRejectsEmptyEpochListsAndTheSamePolicyTwice()
    {
        using var model = nn.Linear(2, 2);
        using var scheduler = new CompressionScheduler(model);
        Assert.Throws<ArgumentException>(() => scheduler.AddPolicy(new RecordingPolicy(new(), "p"), Array.Empty<int>()));
        Assert.Contains("more than once", Assert.Throws<ArgumentException>(() => scheduler.AddPolicy(new RecordingPolicy(new(), "p"), new[] { 1, 2, 1 })).Message);
        var policy = new RecordingPolicy(new(), "p");
        scheduler.AddPolicy(policy, 0, 2);
        Assert.Throws<ArgumentException>(() => scheduler.AddPolicy(policy, 3, 4));
    }

    [Fact]
    public void AddPolicyListsEveryParameterAPrunerNamesThatTheModelLacks()
    {
        using var model = nn.Linear(2, 2);
        using var scheduler = new CompressionScheduler(model);
        var pruner = new AutomatedGradualPruner("agp", 0.1, 0.5, new[] { "weight", "fc.weight", "conv.weight" });
        var e = Assert.Throws<ArgumentException>(() => scheduler.AddPolicy(new PruningPolicy(pruner), 0, 4));
        Assert.Contains("'fc.weight', 'conv.weight'", e.Message);
        Assert.Contains("weight, bias", e.Message);
        Assert.Empty(scheduler.Policies);
    }

    [Fact]
    public void MinibatchArgumentsAreChecked()
    {
        using var model = nn.Linear(2, 2);
        using var scheduler = new CompressionScheduler(model);
        Assert.Equal("minibatchId", Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.OnMinibatchBegin(0, 3, 3)).ParamName);
        Assert.Equal("minibatchesPerEpoch", Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.OnMinibatchEnd(0, 0, 0)).ParamName);
    }

    [Fact]
    public void MasksAreReappliedAfterEveryOptimizerStepSoMomentumCannotRevivePrunedWeights()
    {
        // Prune at epoch 0 only; train 3 epochs with SGD momentum 0.9 and weight decay. After each step the raw
        // update moves the pruned weights off zero (momentum carries the old gradients), and OnMinibatchEnd puts
        // them back to exactly zero.
        using var scope = NewDisposeScope();
        manual_seed(3);
        var model = nn.Linear(4, 3);
        Set(model.weight!, 0.05f, 0.5f, -0.6f, 0.7f, -0.8f, 0.02f, 0.9f, 1.0f, -0.03f, 0.4f, 0.45f, -0.55f);
        var optimizer = optim.SGD(model.parameters(), 0.1, momentum: 0.9, weight_decay: 1e-3);
        using var scheduler = new CompressionScheduler(model, optimizer);
        var pruner = new MagnitudeParameterPruner("m", new Dictionary<string, double> { ["weight"] = 0.1, ["*"] = 0 });
        scheduler.AddPolicy(new PruningPolicy(pruner), 0, 1);
        var x = randn(8, 4);
        var y = randn(8, 3);
        var pruned = new[] { 0, 5, 8 }; // |0.05|, |0.02|, |-0.03| ≤ 0.1
        bool revivedBeforeRemask = false;
        for (int epoch = 0; epoch < 3; epoch++)
        {
            scheduler.OnEpochBegin(epoch);
            for (int mb = 0; mb < 2; mb++)
            {
                using var step = NewDisposeScope();
                scheduler.OnMinibatchBegin(epoch, mb, 2);
                optimizer.zero_grad();
                var loss = scheduler.BeforeBackwardPass(epoch, mb, 2, nn.functional.mse_loss(model.call(x), y)).OverallLoss;
                loss.backward();
                scheduler.BeforeParameterOptimization(epoch, mb, 2);
                optimizer.step();
                var raw = Values(model.weight!);
                revivedBeforeRemask |= pruned.Any(i => raw[i] != 0f);
                scheduler.OnMinibatchEnd(epoch, mb, 2);
                var masked = Values(model.weight!);
                Assert.All(pruned, i => Assert.Equal(0f, masked[i]));
            }
            scheduler.OnEpochEnd(epoch);
        }
        Assert.True(revivedBeforeRemask, "the optimizer step should have moved a pruned weight (else this test proves nothing)");
    }

    private sealed class QuantizedLayer : nn.Module
    {
        public QuantizedLayer() : base(nameof(QuantizedLayer))
        {
            register_parameter("float_weight", nn.Parameter(ones(3, 1)));
            register_module("wrapped_module", nn.Linear(1, 3, hasBias: false));
            register_parameter("clip_val", nn.Parameter(ones(1)));
        }
    }

    private sealed class QuantizedModel : nn.Module
    {
        public QuantizedModel() : base(nameof(QuantizedModel)) => register_module("fc", new QuantizedLayer());
    }

    [Fact]
    public void MaskAllWeightsMapsAQuantizersRenamedParametersBackAndSkipsNewOnes()
    {
        // As Distiller's mask_all_weights: 'fc.float_weight' and 'fc.wrapped_module.weight' use the mask of
        // 'fc.weight'; 'fc.clip_val' (a quantizer's new learnable parameter) has no mask and is left alone.
        using var scope = NewDisposeScope();
        using var model = new QuantizedModel();
        using var masks = new Distiller.Typed.Masks.MaskDictionary(new[] { "fc.weight" });
        masks["fc.weight"].Mask = tensor(new[] { 1f, 0f, 1f }).reshape(3, 1);
        using var scheduler = new CompressionScheduler(model, masks: masks);
        scheduler.MaskAllWeights();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        Assert.Equal(new[] { 1f, 0f, 1f }, Values(parameters["fc.float_weight"]));
        Assert.Equal(0f, Values(parameters["fc.wrapped_module.weight"])[1]);
        Assert.Equal(new[] { 1f }, Values(parameters["fc.clip_val"]));
    }

    [Fact]
    public void AMaskOfTheWrongShapeFailsWithTheParameterName()
    {
        using var scope = NewDisposeScope();
        using var model = nn.Linear(2, 3);
        using var scheduler = new CompressionScheduler(model);
        scheduler.Masks["weight"].Mask = ones(5);
        var e = Assert.Throws<InvalidOperationException>(() => scheduler.MaskAllWeights());
        Assert.Contains("'weight'", e.Message);
        Assert.Contains("[5]", e.Message);
        Assert.Contains("[3, 2]", e.Message);
    }

    [Fact]
    public void LoadStateDictListsEveryMismatch()
    {
        using var scope = NewDisposeScope();
        using var model = nn.Linear(2, 2);
        using var scheduler = new CompressionScheduler(model);
        scheduler.AddPolicy(new RecordingPolicy(new(), "p"), 0, 2);
        var state = new Dictionary<string, object>
        {
            ["masks/nope"] = ones(2),
            ["masks/weight"] = ones(3),
            ["policies/0/#type"] = "PruningPolicy",
            ["policies/0/#name"] = "q",
        };
        var e = Assert.Throws<InvalidDataException>(() => scheduler.LoadStateDict(state));
        Assert.Contains("'nope'", e.Message);
        Assert.Contains("mask of 'weight' has shape [3]", e.Message);
        Assert.Contains("policy 0 was saved as PruningPolicy 'q'", e.Message);
    }

    /// <summary>Keeps a tensor as its progress, as a structured pruner might.</summary>
    private sealed class TensorStatePolicy : Policy
    {
        public Tensor? Progress { get; set; }
        public override void SaveState(IDictionary<string, object> state) => state["progress"] = Progress!.clone();
        public override void LoadState(IReadOnlyDictionary<string, object> state) =>
            Progress = ((Tensor)state["progress"]).clone().DetachFromDisposeScope();
    }

    [Fact]
    public void PolicyTensorsAndMasksTravelThroughAStateFile()
    {
        using var scope = NewDisposeScope();
        using var model = nn.Linear(2, 1);
        var stream = new MemoryStream();
        using (var scheduler = new CompressionScheduler(model))
        {
            scheduler.AddPolicy(new TensorStatePolicy { Progress = tensor(new[] { 3f, 4f }) }, 0, 2);
            scheduler.Masks["weight"].Mask = tensor(new[] { 1f, 0f }).reshape(1, 2);
            scheduler.Masks["weight"].MaskOnForwardOnly = true;
            scheduler.SaveState(stream);
        }
        stream.Position = 0;
        using var fresh = new CompressionScheduler(model);
        var policy = new TensorStatePolicy();
        fresh.AddPolicy(policy, 0, 2);
        fresh.LoadState(stream);
        Assert.Equal(new[] { 3f, 4f }, Values(policy.Progress!));
        Assert.Equal(new[] { 1f, 0f }, Values(fresh.Masks["weight"].Mask!));
        Assert.True(fresh.Masks["weight"].MaskOnForwardOnly);
        Assert.Null(fresh.Masks["bias"].Mask);
    }

    [Fact]
    public void StateFileRoundTripsEveryValueType()
    {
        using var scope = NewDisposeScope();
        var state = new Dictionary<string, object>
        {
            ["t"] = tensor(new[] { 1f, 0f, 1f }).reshape(3, 1),
            ["b"] = true, ["i"] = 7, ["l"] = 1L << 40, ["d"] = 0.1, ["s"] = "name",
        };
        using var stream = new MemoryStream();
        SchedulerStateFile.Write(stream, state);
        stream.Position = 0;
        var read = SchedulerStateFile.Read(stream);
        Assert.True(Same((Tensor)read["t"], (Tensor)state["t"]));
        Assert.Equal(new long[] { 3, 1 }, ((Tensor)read["t"]).shape);
        Assert.Equal(true, read["b"]);
        Assert.Equal(7, read["i"]);
        Assert.Equal(1L << 40, read["l"]);
        Assert.Equal(0.1, read["d"]);
        Assert.Equal("name", read["s"]);
        ((Tensor)read["t"]).Dispose();

        Assert.Throws<NotSupportedException>(() => SchedulerStateFile.Write(new MemoryStream(), new Dictionary<string, object> { ["x"] = 1.5f }));
        Assert.Throws<InvalidDataException>(() => SchedulerStateFile.Read(new MemoryStream(new byte[] { 1, 2, 3 })));
    }
}
