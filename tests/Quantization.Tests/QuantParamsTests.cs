using Distiller.Typed.Quantization;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Tests;

/// <summary>Scale and zero point from statistics and from tensors under each clip mode, worked by hand.</summary>
public class QuantParamsTests
{
    private static readonly TensorStats Stats = new() { Min = -10, Max = 10, AvgMin = -2, AvgMax = 1, Mean = 1, Std = 2, B = 0.2 };

    private static (double, double) Item((Tensor S, Tensor Z) p) => (p.S.item<float>(), p.Z.item<float>());

    [Fact]
    public void FromStats_None_Avg_NStd()
    {
        // sym none: sat = max(|−10|, 10) = 10 -> 127.5/10 = 12.75
        Assert.Equal((12.75, 0.0), Item(QuantParams.FromStats(Stats, 8, LinearQuantMode.Symmetric)));
        // sym avg: sat = max(|−2|, 1) = 2 -> 63.75
        Assert.Equal((63.75, 0.0), Item(QuantParams.FromStats(Stats, 8, LinearQuantMode.Symmetric, ClipMode.Avg)));
        // asym_u n_std (n=2): [max(−10, 1−4), min(10, 1+4)] = [−3, 5] -> 255/8 = 31.875 ; zp = round(−95.625) = −96
        Assert.Equal((31.875, -96.0), Item(QuantParams.FromStats(Stats, 8, LinearQuantMode.AsymmetricUnsigned, ClipMode.NStd, 2)));
        Assert.Throws<ArgumentNullException>(() => QuantParams.FromStats(Stats, 8, LinearQuantMode.Symmetric, ClipMode.NStd));
    }

    [Fact]
    public void FromStats_Aciq()
    {
        // laplace, 8 bits, symmetric: α = 9.89·b = 1.978 ; clip = |mean| + α = 2.978 -> 127.5/2.978
        var (s, _) = Item(QuantParams.FromStats(Stats, 8, LinearQuantMode.Symmetric, ClipMode.Laplace));
        Assert.Equal(127.5f / (float)(1 + 9.89 * 0.2), s, 3);
        // gauss, 4 bits, asym_u: α = 2.55·std = 5.1 ; lo = max(avg_min −2, 1 − 5.1) = −2 ; hi = −2 + 10.2 = 8.2 -> 15/10.2 ; zp = round(−2·15/10.2) = round(−2.94) = −3
        var (s2, z2) = Item(QuantParams.FromStats(Stats, 4, LinearQuantMode.AsymmetricUnsigned, ClipMode.Gauss));
        Assert.Equal(15 / 10.2, s2, 4);
        Assert.Equal(-3.0, z2);
    }

    [Fact]
    public void FromTensor_PerChannel_And_Avg()
    {
        var w = torch.tensor(new[] { 1f, -4f, 0.5f, 2f }).reshape(2, 2);
        var (s, z) = QuantParams.FromTensor(w, 8, LinearQuantMode.Symmetric, perChannel: true);
        Assert.Equal(new long[] { 2, 1 }, s.shape);
        // rows: max|·| = 4 and 2 -> 127.5/4, 127.5/2
        Assert.Equal(new[] { 31.875f, 63.75f }, s.data<float>().ToArray());
        // avg over dim 0: (min −4 + 0.5)/2 = −1.75, (max 1 + 2)/2 = 1.5 -> 127.5/1.75
        (s, _) = QuantParams.FromTensor(w, 8, LinearQuantMode.Symmetric, ClipMode.Avg);
        Assert.Equal(127.5f / 1.75f, s.item<float>(), 4);
        Assert.Throws<ArgumentException>(() => QuantParams.FromTensor(torch.ones(2, 2, 2), 8, LinearQuantMode.Symmetric, perChannel: true));
        Assert.Throws<ArgumentException>(() => QuantParams.FromTensor(w, 8, LinearQuantMode.Symmetric, ClipMode.NStd, perChannel: true, numStds: 1));
    }

    [Fact]
    public void OverrideBits_OutOfRange_NameTheModule()
    {
        var model = QuantizerTests.DummyModel();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizerTests.DummyQuantizer(model, bitsActivations: 8,
            overrides: new QuantizerOverrides { { "fc", new Dictionary<string, object?> { ["bits_weights"] = 0 } } }));
        Assert.Contains("'fc'", e.Message);
    }
}
