using Distiller.Typed.Quantization;
using Distiller.Typed.Quantization.PostTraining;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Tests;

/// <summary>Distiller's test_post_train_quant.py stats-fusion and weights-only tests (activations written as modules).</summary>
public class DistillerStatsFusionTests
{
    private static TensorStats Entry(double min, double max, double avgMin, double avgMax, double mean, double std) =>
        new() { Min = min, Max = max, AvgMin = avgMin, AvgMax = avgMax, Mean = mean, Std = std };

    /// <summary>Distiller's gen_stats_for_model: random entries, each leaf's input 0 = the previous leaf's output.</summary>
    private static Dictionary<string, ModuleStats> GenStats(nn.Module model, int seed = 1)
    {
        var rnd = new Random(seed);
        double U(double a, double b) => a + (b - a) * rnd.NextDouble();
        TensorStats Gen()
        {
            double a = U(-10, 10), b = U(-10, 10), c = U(a, b), d = U(a, b);
            return Entry(Math.Min(a, b), Math.Max(a, b), Math.Min(c, d), Math.Max(c, d), (c + d) / 2, rnd.NextDouble());
        }
        var stats = new Dictionary<string, ModuleStats>();
        ModuleStats? last = null;
        foreach (var (n, m) in model.named_modules())
        {
            if (ModuleTree.HasChildren(m))
                continue;
            var cur = new ModuleStats(new Dictionary<int, TensorStats> { [0] = last?.Output ?? Gen() }, Gen());
            stats[n] = cur;
            last = cur;
        }
        return stats;
    }

    private static void AssertStatsEqual(IReadOnlyDictionary<string, ModuleStats> expected, IReadOnlyDictionary<string, ModuleStats> actual)
    {
        Assert.Equal(expected.Keys.OrderBy(k => k), actual.Keys.OrderBy(k => k));
        foreach (var (k, e) in expected)
        {
            Assert.Equal(e.Output, actual[k].Output);
            Assert.Equal(e.Inputs.Keys, actual[k].Inputs.Keys);
            foreach (var (i, s) in e.Inputs)
                Assert.True(s == actual[k].Inputs[i], $"{k}.inputs[{i}]: expected {s}, got {actual[k].Inputs[i]}");
        }
    }

    public static TheoryData<string> NoFuseCases() => new() { "relu->bn", "conv->bn_no_stats", "linear->bn_no_stats", "conv->pool" };

    [Theory]
    [MemberData(nameof(NoFuseCases))]
    public void StatsFusion_NoFuse(string id)
    {
        var (model, input) = id switch
        {
            "relu->bn" => (nn.Sequential(("relu", nn.ReLU()), ("bn", nn.BatchNorm1d(5))), torch.randn(10, 5)),
            "conv->bn_no_stats" => (nn.Sequential(("conv", nn.Conv2d(10, 20, 3)), ("bn", nn.BatchNorm2d(20, track_running_stats: false))), torch.randn(10, 10, 50, 50)),
            "linear->bn_no_stats" => (nn.Sequential(("linear", nn.Linear(10, 20)), ("bn", nn.BatchNorm1d(20, track_running_stats: false))), torch.randn(10, 10)),
            _ => (nn.Sequential(("conv", nn.Conv2d(10, 20, 3)), ("pool", nn.MaxPool2d(2))), torch.randn(10, 10, 50, 50)),
        };
        var stats = GenStats(model);
        var q = new PostTrainLinearQuantizer(model, modelActivationStats: stats);
        q.PrepareModel(input);
        AssertStatsEqual(stats, q.ModelActivationStats);
        Assert.Empty(q.FoldedBatchNorms);
    }

    private static Sequential ConvBnActPool(nn.Module<Tensor, Tensor>? act)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)> { ("conv", nn.Conv2d(10, 20, 3)), ("bn", nn.BatchNorm2d(20)) };
        if (act is not null) layers.Add(("act", act));
        layers.Add(("pool", nn.MaxPool2d(2)));
        return nn.Sequential(layers.ToArray());
    }

    [Fact]
    public void StatsFusion_JustBatchNorm()
    {
        var model = ConvBnActPool(null);
        var stats = GenStats(model);
        var q = new PostTrainLinearQuantizer(model, modelActivationStats: stats);
        q.PrepareModel(torch.randn(10, 10, 20, 20));
        var expected = new Dictionary<string, ModuleStats>(stats);
        expected.Remove("bn");
        expected["conv"] = stats["conv"] with { Output = stats["bn"].Output };
        AssertStatsEqual(expected, q.ModelActivationStats);
    }

    public static TheoryData<string, TensorStats, TensorStats> SequentialCases() => new()
    {
        { "relu", Entry(-5, 5, -3, 3, 0, 0.5), Entry(0, 5, 0, 3, 0, 0.5) },
        { "relu", Entry(1, 5, 2, 3, 2.5, 0.5), Entry(1, 5, 2, 3, 2.5, 0.5) },
        { "relu", Entry(-5, -1, -4, -2, -2.5, 0.5), Entry(0, 0, 0, 0, -2.5, 0.5) },
        { "tanh", Entry(-5, 5, -3, 3, 0, 0.5), Entry(-4, 4, -3, 3, 0, 0.5) },
        { "tanh", Entry(-6, 3, -5, 1, 0, 0.5), Entry(-4, 3, -4, 1, 0, 0.5) },
        { "tanh", Entry(1, 6, 2, 3, 2.5, 0.5), Entry(1, 4, 2, 3, 2.5, 0.5) },
        { "tanh", Entry(-2, 3, -1, 2, 0, 0.5), Entry(-2, 3, -1, 2, 0, 0.5) },
        { "sigmoid", Entry(-8, 8, -7, 7, 0, 0.5), Entry(-6, 6, -6, 6, 0, 0.5) },
        { "sigmoid", Entry(-8, 3, -7, 1, 0, 0.5), Entry(-6, 3, -6, 1, 0, 0.5) },
        { "sigmoid", Entry(1, 8, 2, 3, 2.5, 0.5), Entry(1, 6, 2, 3, 2.5, 0.5) },
        { "sigmoid", Entry(-2, 3, -1, 2, 0, 0.5), Entry(-2, 3, -1, 2, 0, 0.5) },
    };

    [Theory]
    [MemberData(nameof(SequentialCases))]
    public void StatsFusion_Sequential(string act, TensorStats bnOut, TensorStats convOutExpected)
    {
        var model = ConvBnActPool(act switch { "relu" => nn.ReLU(), "tanh" => nn.Tanh(), _ => nn.Sigmoid() });
        var stats = GenStats(model);
        stats["bn"] = stats["bn"] with { Output = bnOut };
        var q = new PostTrainLinearQuantizer(model, modelActivationStats: stats);
        q.PrepareModel(torch.randn(10, 10, 20, 20));
        var expected = new Dictionary<string, ModuleStats>(stats);
        expected.Remove("bn");
        expected["conv"] = stats["conv"] with { Output = convOutExpected };
        expected["act"] = stats["act"] with { Inputs = new Dictionary<int, TensorStats> { [0] = convOutExpected } };
        AssertStatsEqual(expected, q.ModelActivationStats);
    }

    private static void FakeQuant(Tensor t, int bits, LinearQuantMode mode, bool perChannel)
    {
        var (qmin, qmax) = LinearQuantization.QuantizedRange(bits, mode);
        var (scale, zp) = QuantParams.FromTensor(t, bits, mode, perChannel: perChannel);
        using var noGrad = torch.no_grad();
        t.copy_(LinearQuantization.Dequantize(LinearQuantization.QuantizeClamp(t, scale, zp, qmin, qmax), scale, zp));
    }

    [Theory]
    [InlineData(false, false, true)]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    [InlineData(true, true, true)]
    [InlineData(false, false, false)]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(true, true, false)]
    public void WeightsOnlyQuantization(bool perChannel, bool bias, bool conv)
    {
        torch.manual_seed(0);
        nn.Module<Tensor, Tensor> layer = conv ? nn.Conv2d(3, 10, 3, bias: bias) : nn.Linear(50, 30, hasBias: bias);
        var x = conv ? torch.rand(5, 3, 5, 5) : torch.rand(5, 50);
        var op = ParamLayerOp.For(layer, "layer");
        using (torch.no_grad())
        {
            op.Weight.copy_(torch.rand_like(op.Weight));
            op.Bias?.copy_(torch.rand_like(op.Bias));
        }
        var manualW = op.Weight.detach().clone();
        var manualB = op.Bias?.detach().clone();
        var mode = LinearQuantMode.AsymmetricUnsigned;
        var ptq = new RangeLinearQuantParamLayerWrapper(layer, "layer", null, 8, 32, new ModuleQuantMode(mode), perChannelWts: perChannel);
        FakeQuant(manualW, 8, mode, perChannel);
        Assert.True(op.Weight.equal(manualW).all().item<bool>());
        if (manualB is not null)
        {
            // the bias is fake-quantized with the accumulator's settings (32-bit symmetric in Distiller's wrapper)
            FakeQuant(manualB, 32, LinearQuantMode.Symmetric, false);
            Assert.True(op.Bias!.equal(manualB).all().item<bool>());
        }
        var expected = op.Forward(x, manualW, manualB);
        Assert.True(ptq.forward(x).equal(expected).all().item<bool>());
    }
}
