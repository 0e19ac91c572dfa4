using Distiller.Typed.Quantization;
using Distiller.Typed.Quantization.Modules;
using Distiller.Typed.Quantization.PostTraining;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Tests;

/// <summary>Distiller's tests/test_post_train_quant.py wrapper tests; the expected outputs are copied from it.</summary>
public class DistillerPostTrainQuantTests
{
    private static TensorStats S(double min, double max, double avgMin, double avgMax) => new() { Min = min, Max = max, AvgMin = avgMin, AvgMax = avgMax };

    /// <summary>Distiller's attach_quant_metadata: quantization of a tensor from its values or from given stats.</summary>
    private static Tensor Attach(Tensor t, LinearQuantMode mode, ClipMode clip, TensorStats? stats = null)
    {
        var (scale, zp) = stats is null ? QuantParams.FromTensor(t, 8, mode, clip) : QuantParams.FromStats(stats, 8, mode, clip);
        var (min, max) = LinearQuantization.QuantizedRange(8, signed: mode != LinearQuantMode.AsymmetricUnsigned);
        QuantMetadata.Attach(t, new TensorQuantMetadata(scale, zp, min, max));
        return t;
    }

    /// <summary>torch.testing.assert_allclose's float32 tolerances (rtol 1.3e-6, atol 1e-5).</summary>
    private static void AssertClose(long[] shape, double[] expected, Tensor actual)
    {
        Assert.Equal(shape, actual.shape);
        var a = actual.to(ScalarType.Float64).data<double>().ToArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(a[i] - expected[i]) <= 1e-5 + 1.3e-6 * Math.Abs(expected[i]), $"[{i}] expected {expected[i]} got {a[i]}");
    }

    private static Tensor ConvInput() => torch.cat(new[]
    {
        torch.tensor(new float[] { -7, 5, 2, -3 }).reshape(1, 1, 2, 2),
        torch.tensor(new float[] { -15, 10, -1, 5 }).reshape(1, 1, 2, 2),
    }, 0);

    private static readonly ModuleStats ConvStats = new(new Dictionary<int, TensorStats> { [0] = S(-15, 10, -11, 7.5) }, S(-3.5, 14.5, -1.025, 8.5));

    [Theory]
    [InlineData("AsymmetricUnsigned", "None", false, false, new long[] { 2, 2, 2, 2 }, new double[] { -3.648135333, -2.14596196, 0.858384784, 2.432090222, 0.214596196, 0.500724457, 0.715320653, 0.786852719, 12.51811144, 13.01883589, 14.0918168, 14.59254133, 1.359109242, 1.645237503, 1.573705438, 1.645237503 })]
    [InlineData("AsymmetricUnsigned", "Avg", false, false, new long[] { 2, 2, 2, 2 }, new double[] { -1.089218234, -1.089218234, 1.055180164, 2.518817167, 0.238266489, 0.476532978, 0.680761396, 0.782875606, 7.59048957, 7.59048957, 7.59048957, 7.59048957, 1.123256304, 1.259408583, 1.089218234, 1.089218234 })]
    [InlineData("AsymmetricUnsigned", "None", true, false, new long[] { 2, 2, 2, 2 }, new double[] { -3.648135333, -2.14596196, 0.858384784, 2.432090222, 0.214596196, 0.429192392, 0.715320653, 0.858384784, 12.51811144, 13.01883589, 14.09181687, 14.59254133, 1.430641307, 1.502173372, 1.573705438, 1.645237503 })]
    [InlineData("AsymmetricUnsigned", "Avg", true, false, new long[] { 2, 2, 2, 2 }, new double[] { -1.089768056, -1.089768056, 1.055712804, 2.52008863, 0.238386762, 0.408663021, 0.681105035, 0.817326042, 7.59432114, 7.59432114, 7.59432114, 7.59432114, 1.191933811, 1.15787856, 1.123823308, 1.089768056 })]
    [InlineData("AsymmetricUnsigned", "None", false, true, new long[] { 2, 2, 2, 2 }, new double[] { -3.529411765, -2.117647059, 0.917647059, 2.4, 0.211764706, 0.494117647, 0.705882353, 0.776470588, 12.56470588, 12.98823529, 14.04705882, 14.47058824, 1.341176471, 1.623529412, 1.552941176, 1.623529412 })]
    [InlineData("AsymmetricUnsigned", "Avg", false, true, new long[] { 2, 2, 2, 2 }, new double[] { -1.008529412, -1.008529412, 1.045882353, 2.502647059, 0.224117647, 0.485588235, 0.672352941, 0.784411765, 8.516470588, 8.516470588, 8.516470588, 8.516470588, 1.120588235, 1.27, 1.120588235, 1.083235294 })]
    [InlineData("AsymmetricUnsigned", "None", true, true, new long[] { 2, 2, 2, 2 }, new double[] { -3.529411765, -2.117647059, 0.917647059, 2.4, 0.211764706, 0.423529412, 0.705882353, 0.847058824, 12.56470588, 12.98823529, 14.04705882, 14.47058824, 1.482352941, 1.482352941, 1.623529412, 1.623529412 })]
    [InlineData("AsymmetricUnsigned", "Avg", true, true, new long[] { 2, 2, 2, 2 }, new double[] { -1.008529412, -1.008529412, 1.045882353, 2.502647059, 0.261470588, 0.410882353, 0.672352941, 0.821764706, 8.516470588, 8.516470588, 8.516470588, 8.516470588, 1.195294118, 1.157941176, 1.120588235, 1.083235294 })]
    public void ConvLayerWrapper(string mode, string clip, bool perChannel, bool withStats, long[] shape, double[] expected)
    {
        var m = Enum.Parse<LinearQuantMode>(mode);
        var c = Enum.Parse<ClipMode>(clip);
        var conv = nn.Conv2d(1, 2, 3, padding: 1, bias: false);
        using (torch.no_grad())
            conv.weight!.copy_(torch.tensor(new float[] { -1, -0.5f, 0, 0.5f, 1, 1.5f, 2, 2.5f, 3, -0.3f, -0.25f, -0.2f, -0.15f, -0.1f, -0.05f, 0, 0.05f, 0.1f }).reshape(2, 1, 3, 3));
        var w = new RangeLinearQuantParamLayerWrapper(conv, "conv", 8, 8, mode: new ModuleQuantMode(m), clipActs: c, perChannelWts: perChannel,
            activationStats: withStats ? ConvStats : null);
        var input = Attach(ConvInput(), m, c, withStats ? ConvStats.Inputs[0] : null);
        w.train();
        Assert.Throws<InvalidOperationException>(() => w.forward(input));
        w.eval();
        AssertClose(shape, expected, w.forward(input));
    }

    [Theory]
    [InlineData("AsymmetricUnsigned", "None", false, new long[] { 1, 3 }, new double[] { 7.687381776, 0.241172762, 0.783811475 })]
    [InlineData("AsymmetricUnsigned", "None", true, new long[] { 1, 3 }, new double[] { 7.699930796, 0.241566456, 0.785090983 })]
    [InlineData("Symmetric", "None", false, new long[] { 1, 3 }, new double[] { 7.716609268, 0.243042812, 0.789889138 })]
    [InlineData("Symmetric", "None", true, new long[] { 1, 3 }, new double[] { 7.716609268, 0.243042812, 0.789889138 })]
    public void LinearLayerWrapper(string mode, string clip, bool perChannel, long[] shape, double[] expected)
    {
        var m = Enum.Parse<LinearQuantMode>(mode);
        var c = Enum.Parse<ClipMode>(clip);
        var fc = nn.Linear(4, 3);
        using (torch.no_grad())
        {
            fc.weight!.copy_(torch.tensor(new float[] { -1, 0.5f, 0, 0.5f, -0.05f, 0, 0.05f, 0.1f, 0.3f, 0.6f, -0.1f, -0.2f }).reshape(3, 4));
            fc.bias!.copy_(torch.tensor(new float[] { -0.3f, 0.1f, -0.5f }));
        }
        var w = new RangeLinearQuantParamLayerWrapper(fc, "fc", 8, 8, mode: new ModuleQuantMode(m), clipActs: c, perChannelWts: perChannel);
        var input = Attach(torch.tensor(new float[] { -7, 5, 2, -3 }).reshape(1, 4), m, c);
        AssertClose(shape, expected, w.forward(input));
    }

    private static Tensor[] Inputs() => new[]
    {
        torch.tensor(new float[] { -10, 31, 5, 10, 1, 8, -3, 7, -8, 16, -15, -12, -20, 13, 8, 0 }).reshape(2, 2, 2, 2),
        torch.tensor(new float[] { -3, 6, 0, 8, 4, 10, -7, 1, -100, 50, 6, 12, 80, -30, -16, 3 }).reshape(2, 2, 2, 2),
    };

    private static readonly Dictionary<int, TensorStats> InputStats = new() { [0] = S(-20, 31, -15, 23.5), [1] = S(-100, 80, -53.5, 45) };

    private static Tensor[] AttachedInputs(LinearQuantMode m, ClipMode c)
    {
        var inputs = Inputs();
        for (int i = 0; i < inputs.Length; i++)
            Attach(inputs[i], m, c, InputStats[i]);
        return inputs;
    }

    [Theory]
    [InlineData("AsymmetricUnsigned", "None", new long[] { 2, 4, 2, 2 }, new double[] { -9.882352941, 31.05882353, 4.941176471, 9.882352941, 0.705882353, 7.764705882, -2.823529412, 7.058823529, -2.823529412, 5.647058824, 0.0, 7.764705882, 4.235294118, 9.882352941, -7.058823529, 0.705882353, -7.764705882, 16.23529412, -14.82352941, -12.0, -19.76470588, 12.70588235, 7.764705882, 0.0, -100.2352941, 50.11764706, 5.647058824, 12.0, 79.76470588, -29.64705882, -16.23529412, 2.823529412 })]
    [InlineData("AsymmetricUnsigned", "Avg", new long[] { 2, 4, 2, 2 }, new double[] { -9.966666667, 23.4, 4.766666667, 9.966666667, 0.866666667, 7.8, -3.033333333, 6.933333333, -3.033333333, 6.066666667, 0.0, 8.233333333, 3.9, 9.966666667, -6.933333333, 1.3, -7.8, 16.03333333, -14.73333333, -12.13333333, -14.73333333, 13.0, 7.8, 0.0, -53.73333333, 44.63333333, 6.066666667, 12.13333333, 44.63333333, -30.33333333, -16.03333333, 3.033333333 })]
    [InlineData("Symmetric", "None", new long[] { 2, 4, 2, 2 }, new double[] { -10.19607843, 30.58823529, 5.490196078, 10.19607843, 0.784313725, 7.843137255, -3.137254902, 7.058823529, -3.137254902, 6.274509804, 0.0, 7.843137255, 3.921568627, 10.19607843, -7.058823529, 0.784313725, -7.843137255, 15.68627451, -14.90196078, -11.76470588, -19.60784314, 12.54901961, 7.843137255, 0.0, -100.3921569, 50.19607843, 6.274509804, 11.76470588, 80.0, -29.80392157, -15.68627451, 3.137254902 })]
    [InlineData("Symmetric", "Avg", new long[] { 2, 4, 2, 2 }, new double[] { -10.01176471, 23.50588235, 4.788235294, 10.01176471, 0.870588235, 7.835294118, -3.047058824, 6.964705882, -3.047058824, 5.658823529, 0.0, 7.835294118, 4.352941176, 10.01176471, -6.964705882, 0.870588235, -7.835294118, 16.10588235, -14.8, -12.18823529, -20.02352941, 13.05882353, 7.835294118, 0.0, -53.54117647, 50.05882353, 5.658823529, 12.18823529, 53.10588235, -29.6, -16.10588235, 3.047058824 })]
    public void ConcatLayerWrapper(string mode, string clip, long[] shape, double[] expected)
    {
        var (m, c) = (Enum.Parse<LinearQuantMode>(mode), Enum.Parse<ClipMode>(clip));
        Assert.Throws<NoStatsException>(() => new RangeLinearQuantConcatWrapper(new Concat(1), "cat", 8, new ModuleQuantMode(m), c));
        var w = new RangeLinearQuantConcatWrapper(new Concat(1), "cat", 8, new ModuleQuantMode(m), c, new ModuleStats(InputStats, S(-100, 80, -55, 55.5)));
        AssertClose(shape, expected, w.forward(AttachedInputs(m, c)));
    }

    [Theory]
    [InlineData("AsymmetricUnsigned", "None", new long[] { 2, 2, 2, 2 }, new double[] { 28.23529412, 178.8235294, 0.0, 75.29411765, 0.0, 75.29411765, 18.82352941, 9.411764706, 800.0, 800.0, -84.70588235, -141.1764706, -1590.588235, -385.8823529, -131.7647059, 0.0 })]
    [InlineData("AsymmetricUnsigned", "Avg", new long[] { 2, 2, 2, 2 }, new double[] { 30.42352941, 147.0470588, 0.0, 81.12941176, 5.070588235, 81.12941176, 20.28235294, 10.14117647, 431.0, 491.8470588, -91.27058824, -141.9764706, -669.3176471, -390.4352941, -126.7647059, 0.0 })]
    [InlineData("Symmetric", "None", new long[] { 2, 2, 2, 2 }, new double[] { 25.09803922, 188.2352941, 0.0, 75.29411765, 0.0, 87.84313725, 25.09803922, 0.0, 803.1372549, 803.1372549, -100.3921569, -138.0392157, -1593.72549, -389.0196078, -125.4901961, 0.0 })]
    [InlineData("Symmetric", "Avg", new long[] { 2, 2, 2, 2 }, new double[] { 31.37254902, 138.0392157, 0.0, 81.56862745, 6.274509804, 81.56862745, 18.82352941, 6.274509804, 426.6666667, 796.8627451, -87.84313725, -144.3137255, -803.1372549, -389.0196078, -125.4901961, 0.0 })]
    public void EltwiseMultLayerWrapper(string mode, string clip, long[] shape, double[] expected)
    {
        var (m, c) = (Enum.Parse<LinearQuantMode>(mode), Enum.Parse<ClipMode>(clip));
        Assert.Throws<NoStatsException>(() => new RangeLinearQuantEltwiseMultWrapper(new EltwiseMult(), "mult", 8, new ModuleQuantMode(m), c));
        var w = new RangeLinearQuantEltwiseMultWrapper(new EltwiseMult(), "mult", 8, new ModuleQuantMode(m), c, new ModuleStats(InputStats, S(-1600, 800, -800, 493)));
        AssertClose(shape, expected, w.forward(AttachedInputs(m, c)));
    }

    [Theory]
    [InlineData("AsymmetricUnsigned", "None", new long[] { 2, 2, 2, 2 }, new double[] { -12.96470588, 36.16470588, 4.776470588, 17.74117647, 4.776470588, 17.74117647, -9.552941176, 7.505882353, -107.8117647, 65.50588235, -9.552941176, 0.0, 60.04705882, -16.37647059, -8.188235294, 2.729411765 })]
    [InlineData("AsymmetricUnsigned", "Avg", new long[] { 2, 2, 2, 2 }, new double[] { -13.17647059, 29.86666667, 4.831372549, 18.00784314, 4.831372549, 18.00784314, -10.10196078, 8.345098039, -60.61176471, 51.38823529, -8.784313725, 0.0, 29.86666667, -17.12941176, -7.905882353, 3.074509804 })]
    [InlineData("Symmetric", "None", new long[] { 2, 2, 2, 2 }, new double[] { -13.55294118, 36.42352941, 5.082352941, 17.78823529, 5.082352941, 17.78823529, -9.317647059, 7.623529412, -108.4235294, 66.07058824, -9.317647059, 0.0, 59.29411765, -16.94117647, -8.470588235, 3.388235294 })]
    [InlineData("Symmetric", "Avg", new long[] { 2, 2, 2, 2 }, new double[] { -12.81176471, 28.94509804, 4.745098039, 18.03137255, 5.219607843, 18.03137255, -9.964705882, 8.066666667, -60.7372549, 60.2627451, -9.015686275, 0.474509804, 33.21568627, -16.60784314, -8.066666667, 2.847058824 })]
    public void EltwiseAddLayerWrapper(string mode, string clip, long[] shape, double[] expected)
    {
        var (m, c) = (Enum.Parse<LinearQuantMode>(mode), Enum.Parse<ClipMode>(clip));
        Assert.Throws<NoStatsException>(() => new RangeLinearQuantEltwiseAddWrapper(new EltwiseAdd(), "add", 8, new ModuleQuantMode(m), c));
        var w = new RangeLinearQuantEltwiseAddWrapper(new EltwiseAdd(), "add", 8, new ModuleQuantMode(m), c, new ModuleStats(InputStats, S(-108, 66, -60.5, 51.5)));
        AssertClose(shape, expected, w.forward(AttachedInputs(m, c)));
    }
}
