using Distiller.Typed.Quantization;
using Distiller.Typed.Quantization.Calibration;
using Distiller.Typed.Quantization.Modules;
using Distiller.Typed.Quantization.PostTraining;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Tests;

/// <summary>Post-training linear quantization: wrappers against hand-worked integer arithmetic, folding, fusion, stats round trip.</summary>
public class PostTrainQuantizationTests
{
    private static TensorStats Range(double min, double max) => new() { Min = min, Max = max, AvgMin = min, AvgMax = max, Mean = (min + max) / 2 };

    private static ModuleStats Stats(TensorStats output, params TensorStats[] inputs) =>
        new(inputs.Select((s, i) => (s, i)).ToDictionary(x => x.i, x => x.s), output);

    private static Linear SmallLinear()
    {
        var fc = nn.Linear(2, 1);
        using var noGrad = torch.no_grad();
        fc.weight!.copy_(torch.tensor(new[] { 0.5f, -0.25f }).reshape(1, 2));
        fc.bias!.copy_(torch.tensor(new[] { 0.1f }));
        return fc;
    }

    [Fact]
    public void LinearWrapper_StaticStats_IntegerArithmeticByHand()
    {
        var w = new RangeLinearQuantParamLayerWrapper(SmallLinear(), "fc", 8, 8, 32,
            activationStats: Stats(Range(-1, 1), Range(-2, 2)));
        // s_x = 127.5/2 = 63.75 ; x_q = round([63.75, 127.5]) = [64, 128 -> clamp 127]
        // s_w = 127.5/0.5 = 255 ; w_q = round([127.5, -63.75]) = [128 -> 127, -64]
        // accum scale 63.75·255 = 16256.25 ; b_q = round(1625.625) = 1626
        // accum = 64·127 + 127·(−64) + 1626 = 1626 ; s_y = 127.5 ; y_q = round(1626·127.5/16256.25) = round(12.7529) = 13
        var y = w.forward(torch.tensor(new[] { 1f, 2f }).reshape(1, 2));
        Assert.Equal(13 / 127.5, y.item<float>(), 6);
        Assert.Equal(new[] { 127f, -64f }, ((Linear)w.WrappedModule).weight!.data<float>().ToArray());
    }

    [Fact]
    public void LinearWrapper_DynamicRanges_FollowTheFormula()
    {
        var w = new RangeLinearQuantParamLayerWrapper(SmallLinear(), "fc", 8, 8, 32);
        var y = w.forward(torch.tensor(new[] { 1f, 2f }).reshape(1, 2)).item<float>();
        // bias: 32-bit symmetric on |0.1| -> scale n/0.1 with n = (2^32−1)/2 ; b_q = round(n) = 2^31 -> clamp 2^31 − 1
        double n = (Math.Pow(2, 32) - 1) / 2, bScale = (float)(n / 0.1f);
        double accumScale = 63.75 * 255;
        double bq = Math.Round(Math.Round(Math.Min(Math.Round(0.1f * bScale, MidpointRounding.ToEven), Math.Pow(2, 31) - 1)) * (accumScale / bScale), MidpointRounding.ToEven);
        double accum = 64 * 127 + 127 * -64 + bq;
        // output range from the accumulator itself: s_y = 127.5/|y_f| ; y_q = round(accum·s_y/accumScale) clamped to 127
        double yf = accum / accumScale, sy = (float)(127.5 / (float)yf);
        double yq = Math.Min(127, Math.Round(accum * sy / accumScale, MidpointRounding.ToEven));
        Assert.Equal(yq / sy, y, 5);
    }

    [Fact]
    public void NotQuantizedActivations_FakeQuantizeTheWeights()
    {
        var w = new RangeLinearQuantParamLayerWrapper(SmallLinear(), "fc", null, 8);
        // weights de-quantized again: 127/255, −64/255
        Assert.Equal(new[] { 127 / 255f, -64 / 255f }, ((Linear)w.WrappedModule).weight!.data<float>().ToArray());
    }

    [Fact]
    public void EltwiseAdd_RequantizesInputsToTheOutputScale()
    {
        var add = new RangeLinearQuantEltwiseAddWrapper(new EltwiseAdd(), "add", 8,
            activationStats: Stats(Range(-4, 4), Range(-1, 1), Range(-2, 2)));
        // s_a = 127.5, s_b = 63.75, s_y = 31.875 ; a = 0.5 -> 63.75 -> 64 ; b = 1.5 -> 95.625 -> 96
        // rescaled: round(64·31.875/127.5) = 16 ; round(96·31.875/63.75) = 48 ; sum 64 -> y = 64/31.875
        var y = add.forward(torch.tensor(new[] { 0.5f }), torch.tensor(new[] { 1.5f }));
        Assert.Equal(64 / 31.875, y.item<float>(), 6);
    }

    [Fact]
    public void EltwiseMult_MultipliesIntegers()
    {
        var mult = new RangeLinearQuantEltwiseMultWrapper(new EltwiseMult(), "mult", 8,
            activationStats: Stats(Range(-4, 4), Range(-1, 1), Range(-2, 2)));
        // a_q = 64, b_q = 96 ; accum = 6144, accum scale 127.5·63.75 ; y_q = round(6144·31.875/8128.125) = round(24.094) = 24
        var y = mult.forward(torch.tensor(new[] { 0.5f }), torch.tensor(new[] { 1.5f }));
        Assert.Equal(24 / 31.875, y.item<float>(), 6);
    }

    [Fact]
    public void Concat_RequantizesEachInput()
    {
        var cat = new RangeLinearQuantConcatWrapper(new Concat(0), "cat", 8,
            activationStats: Stats(Range(-4, 4), Range(-1, 1), Range(-2, 2)));
        var y = cat.forward(torch.tensor(new[] { 0.5f }), torch.tensor(new[] { 1.5f }));
        Assert.Equal(new[] { (float)(16 / 31.875), (float)(48 / 31.875) }, y.data<float>().ToArray());
    }

    [Fact]
    public void EltwiseWithoutStats_StaysFloatWithAWarning()
    {
        var model = new ResidualNet();
        var q = new PostTrainLinearQuantizer(model);
        q.PrepareModel(torch.randn(2, 1, 8, 8));
        Assert.IsType<EltwiseAdd>(ModuleTree.Get(model, "add"));
        Assert.Contains(q.Warnings, w => w.StartsWith("add:", StringComparison.Ordinal));
    }

    [Fact]
    public void Embedding_QuantizedTableAndDequantizedRows()
    {
        var emb = nn.Embedding(3, 2);
        using (torch.no_grad())
            emb.weight!.copy_(torch.tensor(new[] { 0f, 1f, -2f, 0.5f, 2f, 1.2f }).reshape(3, 2));
        var w = new RangeLinearEmbeddingWrapper(emb, "emb", 8);
        // s = 127.5/2 = 63.75 ; row 2 = [2, 1.2] -> [127.5 -> 128 -> 127, 76.5 -> 76] -> /63.75
        var y = w.forward(torch.tensor(new long[] { 2 }));
        Assert.Equal(new[] { (float)(127 / 63.75), (float)(76 / 63.75) }, y.data<float>().ToArray());
    }

    internal sealed class EmbeddingNet : nn.Module<Tensor, Tensor>
    {
        private nn.Module<Tensor, Tensor> emb = nn.Embedding(10, 4);
        private nn.Module<Tensor, Tensor> relu = nn.ReLU();
        private nn.Module<Tensor, Tensor> fc = nn.Linear(4, 2);

        public EmbeddingNet() : base(nameof(EmbeddingNet)) => RegisterComponents();

        public override Tensor forward(Tensor x) => fc.forward(relu.forward(emb.forward(x)));
    }

    [Fact]
    public void EmbeddingModel_QuantizedEndToEnd()
    {
        torch.manual_seed(9);
        var model = new EmbeddingNet();
        model.eval();
        var x = torch.tensor(new long[] { 1, 3, 5, 7, 9 });
        var expected = model.forward(x).detach().clone();
        var stats = new QuantCalibrationStatsCollector(model).Collect(new[] { x });
        new PostTrainLinearQuantizer(model, modelActivationStats: stats).PrepareModel(x);
        Assert.IsType<RangeLinearEmbeddingWrapper>(ModuleTree.Get(model, "emb"));
        Assert.IsType<RangeLinearFakeQuantWrapper>(ModuleTree.Get(model, "relu"));
        var y = model.forward(x);
        Assert.True((y - expected).abs().max().item<float>() < 0.05 * expected.abs().max().item<float>());
    }

    internal sealed class ConvBnReluNet : nn.Module<Tensor, Tensor>
    {
        private nn.Module<Tensor, Tensor> conv1 = nn.Conv2d(1, 4, 3, padding: 1);
        private nn.Module<Tensor, Tensor> bn1 = nn.BatchNorm2d(4);
        private nn.Module<Tensor, Tensor> relu1 = nn.ReLU();
        private nn.Module<Tensor, Tensor> flatten = nn.Flatten();
        private nn.Module<Tensor, Tensor> fc = nn.Linear(4 * 8 * 8, 3);

        public ConvBnReluNet() : base(nameof(ConvBnReluNet))
        {
            RegisterComponents();
            using var noGrad = torch.no_grad();
            var bn = (BatchNorm2d)bn1;
            bn.running_mean!.copy_(torch.tensor(new[] { 0.1f, -0.2f, 0.3f, 0f }));
            bn.running_var!.copy_(torch.tensor(new[] { 0.5f, 2f, 1f, 0.25f }));
            bn.weight!.copy_(torch.tensor(new[] { 1.5f, 0.5f, -1f, 2f }));
            bn.bias!.copy_(torch.tensor(new[] { 0.1f, 0.2f, -0.3f, 0f }));
        }

        public override Tensor forward(Tensor x) => fc.forward(flatten.forward(relu1.forward(bn1.forward(conv1.forward(x)))));
    }

    internal sealed class ResidualNet : nn.Module<Tensor, Tensor>
    {
        private nn.Module<Tensor, Tensor> conv1 = nn.Conv2d(1, 2, 3, padding: 1);
        private nn.Module<Tensor, Tensor> conv2 = nn.Conv2d(1, 2, 1);
        private EltwiseAdd add = new();
        private nn.Module<Tensor, Tensor> relu = nn.ReLU();

        public ResidualNet() : base(nameof(ResidualNet)) => RegisterComponents();

        public override Tensor forward(Tensor x) => relu.forward(add.forward(conv1.forward(x), conv2.forward(x)));
    }

    [Fact]
    public void BatchNormFolding_KeepsTheFloatFunction()
    {
        torch.manual_seed(3);
        var model = new ConvBnReluNet();
        model.eval();
        var x = torch.randn(2, 1, 8, 8);
        var expected = model.forward(x).detach().clone();
        var trace = ModelTrace.Run(model, x);
        var folded = BatchNormFolding.Fold(model, trace);
        Assert.Equal(("conv1", "bn1"), Assert.Single(folded));
        Assert.IsType<PassThrough>(ModuleTree.Get(model, "bn1"));
        Assert.True(model.forward(x).allclose(expected, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void PrepareModel_FoldsBatchNorm_AbsorbsRelu_KeepsNames()
    {
        torch.manual_seed(4);
        var model = new ConvBnReluNet();
        model.eval();
        var x = torch.randn(4, 1, 8, 8);
        var names = model.named_modules().Select(m => m.name).ToList();
        var stats = new QuantCalibrationStatsCollector(model).Collect(new[] { x });
        var q = new PostTrainLinearQuantizer(model, modelActivationStats: stats);
        q.PrepareModel(x);
        foreach (var n in names)
            Assert.Contains(n, model.named_modules().Select(m => m.name));
        var conv = Assert.IsType<RangeLinearQuantParamLayerWrapper>(ModuleTree.Get(model, "conv1"));
        Assert.True(conv.Acts.OutputSettings.ClipHalfRange);
        Assert.IsType<PassThrough>(ModuleTree.Get(model, "relu1"));
        Assert.IsType<PassThrough>(ModuleTree.Get(model, "bn1"));
        // conv1 now reports bn1's output statistics, clipped at 0 by the ReLU
        Assert.Equal(0, q.ModelActivationStats["conv1"].Output.Min);
        Assert.Equal(stats["bn1"].Output.Max, q.ModelActivationStats["conv1"].Output.Max);
        Assert.False(q.ModelActivationStats.ContainsKey("bn1"));
    }

    [Fact]
    public void Quantized8Bit_StaysCloseToFloat()
    {
        torch.manual_seed(5);
        var model = new ConvBnReluNet();
        model.eval();
        var x = torch.randn(8, 1, 8, 8);
        var expected = model.forward(x).detach().clone();
        var stats = new QuantCalibrationStatsCollector(model).Collect(new[] { x });
        new PostTrainLinearQuantizer(model, modelActivationStats: stats, perChannelWts: true).PrepareModel(x);
        var y = model.forward(x);
        double err = (y - expected).abs().max().item<float>();
        double range = expected.abs().max().item<float>();
        Assert.True(err < 0.05 * range, $"max error {err} vs range {range}");
    }

    [Fact]
    public void DynamicQuantization_ChainsLayersThroughMetadata()
    {
        torch.manual_seed(8);
        var model = new ConvBnReluNet();
        model.eval();
        var x = torch.randn(8, 1, 8, 8);
        var expected = model.forward(x).detach().clone();
        new PostTrainLinearQuantizer(model).PrepareModel(x);
        Tensor y;
        using (var scope = torch.NewDisposeScope())
            y = model.forward(x).MoveToOuterDisposeScope();
        // conv1's output carries its quantization to the next wrappers, which must still be usable after the pass
        Assert.True((y - expected).abs().max().item<float>() < 0.05 * expected.abs().max().item<float>());
        GC.Collect();
        Assert.True(model.forward(x).allclose(y));
    }

    [Theory]
    [InlineData("sym", "none", false)]
    [InlineData("asym_u", "avg", false)]
    [InlineData("asym_s", "n_std", true)]
    [InlineData("sym_restr", "laplace", false)]
    public void StatsRoundTrip_ThroughYaml_GivesTheSameQuantizedOutputs(string mode, string clip, bool perChannel)
    {
        torch.manual_seed(6);
        var reference = new ConvBnReluNet();
        var x = torch.randn(6, 1, 8, 8);
        var batches = new[] { x[..3], x[3..] };
        reference.eval();
        var stats = new QuantCalibrationStatsCollector(reference).Collect(batches);
        var path = Path.Combine(Path.GetTempPath(), $"stats_{Guid.NewGuid():N}.yaml");
        StatsYaml.Save(path, stats);
        var loaded = StatsYaml.Load(path);
        File.Delete(path);
        Assert.Equal(stats.Keys, loaded.Keys);
        Assert.Equal(stats["conv1"].Output, loaded["conv1"].Output with { Shape = stats["conv1"].Output.Shape });
        Assert.Equal(stats["conv1"].Output.Shape, loaded["conv1"].Output.Shape);

        Tensor Quantize(IReadOnlyDictionary<string, ModuleStats> s)
        {
            var m = new ConvBnReluNet();
            m.load_state_dict(reference.state_dict());
            m.eval();
            new PostTrainLinearQuantizer(m, mode: new ModuleQuantMode(LinearQuantModes.Parse(mode, "mode")), clipActs: ClipModes.Parse(clip, "clip"),
                clipNStds: clip == "n_std" ? 2 : null, perChannelWts: perChannel, modelActivationStats: s).PrepareModel(x);
            return m.forward(x);
        }
        Assert.True(Quantize(stats).equal(Quantize(loaded)).all().item<bool>());
    }

    [Fact]
    public void StatsYaml_ReadsDistillersOwnFile()
    {
        // The first entry of Distiller's examples/quantization/post_train_quant/stats/resnet18_quant_stats.yaml
        const string yaml = """
            # ResNet-18 activation statistics for post-training quantization
            conv1:
              inputs:
                0:
                  min: -2.1179039478302
                  max: 2.640000104904175
                  avg_min: -2.0179028272628785
                  avg_max: 2.4849105119705195
                  mean: -0.02644771572668106
                  std: 1.1904664382080992
                  b: 1.0037795305252075
                  shape: (256, 3, 224, 224)
              output:
                min: -37.17167663574219
                max: 36.08745574951172
                avg_min: -22.434925651550294
                avg_max: 22.787699317932127
                mean: -0.0001754729266394861
                std: 1.7580939173603671
                b: 1.0
                shape: (256, 64, 112, 112)
            """;
        var stats = StatsYaml.Read(yaml);
        var input = stats["conv1"].Inputs[0];
        Assert.Equal(-2.1179039478302, input.Min);
        Assert.Equal(2.4849105119705195, input.AvgMax);
        Assert.Equal(1.0037795305252075, input.B);
        Assert.Equal(new long[] { 256, 3, 224, 224 }, input.Shape);
        Assert.Equal(-37.17167663574219, stats["conv1"].Output.Min);
        // written back and read again: the same values
        var again = StatsYaml.Read(StatsYaml.Write(stats));
        Assert.Equal(input with { Shape = again["conv1"].Inputs[0].Shape }, again["conv1"].Inputs[0]);
        Assert.Equal(input.Shape, again["conv1"].Inputs[0].Shape);
        Assert.Throws<FormatException>(() => StatsYaml.Read("conv1:\n  inputs: {}\n"));
    }

    [Fact]
    public void Collector_StatsOfOneBatch_MatchTheirDefinitions()
    {
        var model = nn.Sequential(("relu", nn.ReLU()));
        var x = torch.tensor(new[] { -1f, 2f, 3f, -4f, 0f, 6f }).reshape(2, 3);
        var s = new QuantCalibrationStatsCollector(model).Collect(new[] { x })["relu"];
        var i = s.Inputs[0];
        // per-sample mins [-1, -4] -> avg -2.5 ; maxes [3, 6] -> 4.5 ; mean 1 ; std = sqrt((4+1+4+25+1+25)/6) = sqrt(10) ; b = (2+1+2+5+1+5)/6 = 16/6
        Assert.Equal((-4.0, 6.0, -2.5, 4.5, 1.0), (i.Min, i.Max, i.AvgMin, i.AvgMax, i.Mean));
        Assert.Equal(Math.Sqrt(10), i.Std, 6);
        Assert.Equal(16.0 / 6, i.B, 6);
        Assert.Equal(new long[] { 2, 3 }, i.Shape);
        Assert.Equal(6, i.TotalNumel);
        Assert.Equal(0.0, s.Output.Min);
    }

    [Fact]
    public void EltwiseAddInAModel_QuantizedWithStats()
    {
        torch.manual_seed(7);
        var model = new ResidualNet();
        model.eval();
        var x = torch.randn(4, 1, 8, 8);
        var expected = model.forward(x).detach().clone();
        var stats = new QuantCalibrationStatsCollector(model).Collect(new[] { x });
        Assert.Equal(2, stats["add"].Inputs.Count);
        var q = new PostTrainLinearQuantizer(model, modelActivationStats: stats);
        q.PrepareModel(x);
        var add = Assert.IsType<RangeLinearQuantEltwiseAddWrapper>(ModuleTree.Get(model, "add"));
        Assert.True(add.Acts.OutputSettings.ClipHalfRange, "the ReLU after the add is absorbed into its range");
        Assert.IsType<PassThrough>(ModuleTree.Get(model, "relu"));
        var y = model.forward(x);
        Assert.True((y - expected).abs().max().item<float>() < 0.05 * expected.abs().max().item<float>());
    }

    [Fact]
    public void NoClipLayerOverride_AndNullBits()
    {
        var model = new ConvBnReluNet();
        var overrides = new QuantizerOverrides
        {
            { "fc", new Dictionary<string, object?> { ["clip_acts"] = "NONE" } },
            { "flatten", new Dictionary<string, object?> { ["bits_activations"] = null } },
        };
        var x = torch.randn(2, 1, 8, 8);
        var q = new PostTrainLinearQuantizer(model, clipActs: ClipMode.Avg, overrides: overrides);
        q.PrepareModel(x);
        Assert.Equal(ClipMode.None, Assert.IsType<RangeLinearQuantParamLayerWrapper>(ModuleTree.Get(model, "fc")).Acts.OutputSettings.ClipMode);
        Assert.Equal(ClipMode.Avg, Assert.IsType<RangeLinearQuantParamLayerWrapper>(ModuleTree.Get(model, "conv1")).Acts.OutputSettings.ClipMode);
        Assert.IsType<Flatten>(ModuleTree.Get(model, "flatten"));
    }

    [Fact]
    public void BadOverrideArgument_NamesTheModule()
    {
        var model = new ConvBnReluNet();
        var overrides = new QuantizerOverrides { { "fc", new Dictionary<string, object?> { ["clip_actz"] = "NONE" } } };
        var e = Assert.Throws<ArgumentException>(() => new PostTrainLinearQuantizer(model, overrides: overrides).PrepareModel(torch.randn(1, 1, 8, 8)));
        Assert.Contains("'fc'", e.Message);
        Assert.Contains("clip_actz", e.Message);
    }
}
