using Distiller.Typed.Masks;
using Distiller.Typed.Policies;
using Distiller.Typed.Quantization;
using Distiller.Typed.Quantization.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Tests;

/// <summary>DoReFa, WRPN, PACT and EMA range-based QAT outputs on given tensors, against the formulas worked by hand.</summary>
public class TrainingQuantizerTests
{
    private static Tensor T(params float[] v) => torch.tensor(v);

    private static void Close(double[] expected, Tensor actual, int precision = 5)
    {
        var a = actual.detach().to(ScalarType.Float64).data<double>().ToArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
            Assert.True(Math.Abs(expected[i] - a[i]) < Math.Pow(10, -precision), $"[{i}] expected {expected[i]} got {a[i]}");
    }

    [Fact]
    public void ClippedLinearQuantization_2Bits()
    {
        // clip [0,1], scale 3: x·3 = [0,0,0.3,0.6,1.5,2.7,3] -> round [0,0,0,1,2,3,3] -> /3
        var y = new ClippedLinearQuantization(2, 1.0).forward(T(-0.5f, 0f, 0.1f, 0.2f, 0.5f, 0.9f, 1.5f));
        Close(new[] { 0, 0, 0, 1 / 3.0, 2 / 3.0, 1, 1 }, y);
    }

    [Fact]
    public void Dorefa_Weights_2Bits()
    {
        var w = new[] { -1.0, 0, 0.5, 2 };
        // t = tanh(w) / (2·max|tanh(w)|) + 0.5 ; q = round(3t)/3 ; out = 2q − 1
        double m = Math.Tanh(2);
        var expected = w.Select(v => 2 * (Math.Round(3 * (Math.Tanh(v) / (2 * m) + 0.5), MidpointRounding.ToEven) / 3) - 1).ToArray();
        // by hand: t = [0.105, 0.5, 0.7397, 1] -> 3t = [0.315, 1.5, 2.219, 3] -> [0, 2, 2, 3] -> [-1, 1/3, 1/3, 1]
        Close(new[] { -1, 1 / 3.0, 1 / 3.0, 1 }, torch.tensor(expected));
        Close(expected, DorefaQuantizer.QuantizeParam(torch.tensor(w.Select(v => (float)v).ToArray()), 2));
    }

    [Fact]
    public void Dorefa_Weights_1Bit_SignTimesMeanAbs()
    {
        // E = (1 + 0 + 0.5 + 2)/4 = 0.875 ; sign with sign(0) = 1
        var w = T(-1, 0, 0.5f, 2).requires_grad_(true);
        var q = DorefaQuantizer.QuantizeParam(w, 1);
        Close(new[] { -0.875, 0.875, 0.875, 0.875 }, q);
        q.sum().backward();
        Close(new[] { 1.0, 1, 1, 1 }, w.grad!);
    }

    [Fact]
    public void Wrpn_Weights_2Bits()
    {
        // scale = (2^2 − 1)/2 = 1.5 ; clamp to [−1,1]: [−1,−0.4,0.2,0.5,0.9] ×1.5 = [−1.5,−0.6,0.3,0.75,1.35] -> [−2,−1,0,1,1] /1.5
        var q = WrpnQuantizer.QuantizeParam(T(-2, -0.4f, 0.2f, 0.5f, 0.9f), 2);
        Close(new[] { -2 / 1.5, -1 / 1.5, 0, 1 / 1.5, 1 / 1.5 }, q);
    }

    [Fact]
    public void Pact_LearnedClip_OutputAndGradients()
    {
        var act = new LearnedClippedLinearQuantization(2, 2.0);
        var x = T(-1, 0.5f, 1f, 3f).requires_grad_(true);
        // relu -> [0,0.5,1,3] ; clip at 2 -> [0,0.5,1,2] ; scale 3/2 = 1.5 -> [0,0.75,1.5,3] -> round [0,1,2,3] -> /1.5
        var y = act.forward(x);
        Close(new[] { 0, 1 / 1.5, 2 / 1.5, 2 }, y);
        y.sum().backward();
        // ∂/∂α = 1 for the element clipped at α ; ∂/∂x = 1 inside (0, α)
        Close(new[] { 1.0 }, act.ClipValue.grad!);
        Close(new[] { 0.0, 1, 1, 0 }, x.grad!);
    }

    internal sealed class TinyNet : nn.Module<Tensor, Tensor>
    {
        private nn.Module<Tensor, Tensor> fc1 = nn.Linear(4, 8);
        private nn.Module<Tensor, Tensor> relu1 = nn.ReLU();
        private nn.Module<Tensor, Tensor> fc2 = nn.Linear(8, 3);
        public TinyNet() : base(nameof(TinyNet)) => RegisterComponents();
        public override Tensor forward(Tensor x) => fc2.call(relu1.call(fc1.call(x)));
    }

    [Fact]
    public void Pact_ClipValuesGetTheirOwnOptimizerGroupAndDecay()
    {
        torch.manual_seed(1);
        var model = new TinyNet();
        var optimizer = optim.SGD(model.parameters(), 0.1, weight_decay: 1e-4);
        var q = new PactQuantizer(model, optimizer, bitsActivations: 4, bitsWeights: 4, actClipInitVal: 6, actClipDecay: 0.5);
        q.PrepareModel();
        var relu = Assert.IsType<LearnedClippedLinearQuantization>(ModuleTree.Get(model, "relu1"));
        Assert.Equal(6f, relu.ClipValue.item<float>());
        Assert.Contains("relu1.clip_val", model.named_parameters().Select(p => p.name));
        var groups = optimizer.ParamGroups.ToList();
        Assert.Equal(2, groups.Count);
        var clipGroup = (SGD.ParamGroup)groups[1];
        Assert.Same(relu.ClipValue, Assert.Single(clipGroup.Parameters));
        Assert.Equal(0.5, clipGroup.Options.weight_decay);
    }

    [Fact]
    public void DorefaPolicy_TrainsTheFloatWeightsInPlace_AndComputesWithQuantizedOnes()
    {
        torch.manual_seed(2);
        var model = new TinyNet();
        var names = model.named_parameters().Select(p => p.name).ToArray();
        var optimizer = optim.SGD(model.parameters(), 0.5);
        var q = new DorefaQuantizer(model, optimizer, bitsActivations: 8, bitsWeights: 4);
        var policy = new QuantizationPolicy(q);
        Assert.True(q.Prepared);
        Assert.IsType<ClippedLinearQuantization>(ModuleTree.Get(model, "relu1"));
        var fc1 = Assert.IsType<Linear>(ModuleTree.Get(model, "fc1"));
        var fc2 = (Linear)ModuleTree.Get(model, "fc2");
        Assert.Equal(new[] { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" }, names);
        Assert.Equal(names, model.named_parameters().Select(p => p.name).ToArray());

        // The forward pass is fc2(Q(W2)) ∘ q8(clamp(·, 0, 1)) ∘ fc1(Q(W1)), Q = DoReFa's 4-bit weights (biases float).
        model.train();
        var x = torch.randn(16, 4);
        Tensor expected;
        using (torch.no_grad())
        {
            var h = nn.functional.linear(x, DorefaQuantizer.QuantizeParam(fc1.weight, 4), fc1.bias).clamp(0, 1);
            h = (h * 255).round() / 255;
            expected = nn.functional.linear(h, DorefaQuantizer.QuantizeParam(fc2.weight, 4), fc2.bias);
        }
        var before = fc1.weight.detach().clone();
        optimizer.zero_grad();
        var y = model.forward(x);
        Close(expected.reshape(-1).to(ScalarType.Float64).data<double>().ToArray(), y.reshape(-1));
        nn.functional.cross_entropy(y, torch.randint(0, 3, 16)).backward();
        Assert.NotNull(fc1.weight.grad);
        optimizer.step();
        Assert.False(fc1.weight.equal(before).all().item<bool>(), "the float weight must be what the optimizer trains");
        Assert.True(fc1.weight.unique().Item1.shape[0] > 16, "the trained parameter stays float");
        policy.OnMinibatchEnd(new MinibatchContext(model, new MaskDictionary(), 0, 0, 1, optimizer));
        // at most 2^4 distinct levels in what the layer computes with
        Assert.True(InPlaceWeightQuantization.Quantized(fc1, "weight").unique().Item1.shape[0] <= 16);
        model.eval();
        using (torch.no_grad())
        {
            var evalOut = model.forward(x);
            Assert.Equal(new long[] { 16, 3 }, evalOut.shape);
        }
    }

    [Fact]
    public void FakeLinearQuantization_TracksBiasCorrectedEma()
    {
        var fq = new FakeLinearQuantization(8, LinearQuantMode.AsymmetricUnsigned, emaDecay: 0.9);
        fq.train();
        fq.forward(T(-1, 0, 3));
        // step 1: biased min = 0.1·(−1) = −0.1 ; unbiased = −0.1/(1−0.9) = −1 ; max 0.3 -> 3
        Assert.Equal(-1f, fq.TrackedMin.item<float>(), 5);
        Assert.Equal(3f, fq.TrackedMax.item<float>(), 5);
        var y = fq.forward(T(-2, 0.5f, 1));
        // step 2: biased min = 0.9·(−0.1) + 0.1·(−2) = −0.29 ; /(1−0.81) = −1.5263158 ; max = (0.27 + 0.1)/0.19 = 1.9473684
        double mn = -0.29 / 0.19, mx = 0.37 / 0.19;
        Assert.Equal(mn, fq.TrackedMin.item<float>(), 5);
        Assert.Equal(mx, fq.TrackedMax.item<float>(), 5);
        double scale = 255 / (mx - mn), zp = Math.Round(scale * mn, MidpointRounding.ToEven);
        Assert.Equal(scale, fq.Scale.item<float>(), 3);
        double Q(double v) => (Math.Round(scale * Math.Clamp(v, mn, mx) - zp, MidpointRounding.ToEven) + zp) / scale;
        Close(new[] { Q(-2), Q(0.5), Q(1) }, y, 4);
    }

    [Fact]
    public void QuantAwareTrain_PerChannelWeights()
    {
        var model = new TinyNet();
        var optimizer = optim.SGD(model.parameters(), 0.1);
        var q = new QuantAwareTrainRangeLinearQuantizer(model, optimizer, bitsActivations: 8, bitsWeights: 8, bitsBias: null,
            perChannelWts: true, quantizeInputs: false);
        q.PrepareModel();
        Assert.IsType<FakeQuantizationWrapper>(ModuleTree.Get(model, "relu1"));
        var fc1 = (Linear)ModuleTree.Get(model, "fc1");
        using (torch.no_grad())
        {
            fc1.weight.zero_();
            fc1.weight[0, 0] = torch.tensor(1f);
            fc1.weight[0, 1] = torch.tensor(-2f);
            fc1.weight[1, 0] = torch.tensor(0.5f);
            fc1.weight[1, 1] = torch.tensor(0.25f);
        }
        var wq = InPlaceWeightQuantization.Quantized(fc1, "weight");
        // row 0: max|w| = 2 -> scale 127.5/2 = 63.75: 1 -> round(63.75) = 64 -> 64/63.75 ; −2 -> −127.5 -> −128 (half to even)
        // row 1: max|w| = 0.5 -> scale 255: 0.5 -> 127.5 -> 128 -> 128/255 ; 0.25 -> 63.75 -> 64 -> 64/255
        Close(new[] { 64 / 63.75, -128 / 63.75, 128 / 255.0, 64 / 255.0 },
            torch.stack(new[] { wq[0, 0], wq[0, 1], wq[1, 0], wq[1, 1] }));
        var scales = fc1.named_buffers(recurse: false).First(b => b.name == "weight_scale").buffer;
        Assert.Equal(new long[] { 8, 1 }, scales.shape);
        Assert.Equal(63.75f, scales[0, 0].item<float>());
        Assert.Equal(255f, scales[1, 0].item<float>());
    }

    [Fact]
    public void QuantAwareTrain_QuantizesInputsThroughCall()
    {
        var model = new TinyNet();
        var q = new QuantAwareTrainRangeLinearQuantizer(model, optim.SGD(model.parameters(), 0.1), bitsActivations: 8, bitsWeights: 8);
        q.PrepareModel();
        Assert.Contains("inputs_quant", model.named_children().Select(c => c.name));
        model.train();
        model.call(T(-1, 0, 2, 3).reshape(1, 4));
        Assert.Equal(-1f, q.InputsQuant!.TrackedMin.item<float>(), 4); // float32 (1 − 0.999)
        Assert.Equal(3f, q.InputsQuant.TrackedMax.item<float>(), 4);
    }
}
