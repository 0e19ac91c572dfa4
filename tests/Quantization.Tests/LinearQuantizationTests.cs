using Distiller.Typed.Quantization;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Tests;

/// <summary>Distiller's tests/test_quant_utils.py, value for value.</summary>
public class LinearQuantizationTests
{
    private static Tensor T(params float[] v) => torch.tensor(v);

    private static void AssertEqual(Tensor expected, Tensor actual) =>
        Assert.True(expected.shape.SequenceEqual(actual.shape) && expected.dtype == actual.dtype && expected.eq(actual).all().item<bool>(), $"expected [{Str(expected)}] got [{Str(actual)}]");

    private static string Str(Tensor t) => string.Join(", ", t.to(ScalarType.Float64).data<double>().ToArray());

    [Fact]
    public void SymmetricParams_Scalars()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearQuantization.SymmetricParams(8, -5.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearQuantization.SymmetricParams(8, T(-5, 10)));
        // 127.5 / 4 = 31.875 ; 127 / 4 = 31.75
        Assert.Equal((31.875, 0.0), LinearQuantization.SymmetricParams(8, 4.0, false));
        Assert.Equal((31.75, 0.0), LinearQuantization.SymmetricParams(8, 4.0, true));
        Assert.Equal((31.875, 0.0), LinearQuantization.SymmetricParams(8, 4));
        Assert.Equal((1.0, 0.0), LinearQuantization.SymmetricParams(8, 0.0));
        Assert.Equal((1.0, 0.0), LinearQuantization.SymmetricParams(8, 0.0, true));
    }

    [Fact]
    public void SymmetricParams_Tensors()
    {
        var (s, z) = LinearQuantization.SymmetricParams(8, T(4, 10));
        AssertEqual(T(31.875f, 12.75f), s);
        AssertEqual(torch.zeros(2), z);
        (s, z) = LinearQuantization.SymmetricParams(8, T(4, 10), true);
        AssertEqual(T(31.75f, 12.7f), s);
        // integer saturation values
        (s, _) = LinearQuantization.SymmetricParams(8, torch.tensor(new long[] { 4, 10 }));
        AssertEqual(T(31.875f, 12.75f), s);
        (s, _) = LinearQuantization.SymmetricParams(8, torch.tensor(new long[] { 4, 10 }), true);
        AssertEqual(T(31.75f, 12.7f), s);
        (s, z) = LinearQuantization.SymmetricParams(8, T(4, 0));
        AssertEqual(T(31.875f, 1), s);
        AssertEqual(torch.zeros(2), z);
        (s, _) = LinearQuantization.SymmetricParams(8, T(4, 0), true);
        AssertEqual(T(31.75f, 1), s);
    }

    [Fact]
    public void AsymmetricParams_Scalars()
    {
        Assert.Throws<ArgumentException>(() => LinearQuantization.AsymmetricParams(8, 5.0, 4.0));
        Assert.Throws<ArgumentException>(() => LinearQuantization.AsymmetricParams(8, T(5), T(5, 3)));
        Assert.Throws<ArgumentException>(() => LinearQuantization.AsymmetricParams(8, T(5, 3), T(4)));
        Assert.Throws<ArgumentException>(() => LinearQuantization.AsymmetricParams(8, T(5, 3), T(4, 7)));
        // 255 / 12 = 21.25 ; 21.25 * -2 = -42.5 -> round half even -42 ; + 128 = 86
        Assert.Equal((21.25, -42.0), LinearQuantization.AsymmetricParams(8, -2.0, 10.0, integralZeroPoint: true, signed: false));
        Assert.Equal((21.25, 86.0), LinearQuantization.AsymmetricParams(8, -2.0, 10.0, integralZeroPoint: true, signed: true));
        Assert.Equal((21.25, -42.5), LinearQuantization.AsymmetricParams(8, -2.0, 10.0, integralZeroPoint: false, signed: false));
        Assert.Equal((21.25, 85.5), LinearQuantization.AsymmetricParams(8, -2.0, 10.0, integralZeroPoint: false, signed: true));
        Assert.Equal((21.25, 85.5), LinearQuantization.AsymmetricParams(8, -2, 10, integralZeroPoint: false, signed: true));
        // both positive: range [0, 10] -> 25.5 ; both negative [-10, 0] -> 25.5, -255 ; both zero -> 1, 0
        Assert.Equal((25.5, 0.0), LinearQuantization.AsymmetricParams(8, 5.0, 10.0));
        Assert.Equal((25.5, -255.0), LinearQuantization.AsymmetricParams(8, -10.0, -5.0));
        Assert.Equal((1.0, 0.0), LinearQuantization.AsymmetricParams(8, 0.0, 0.0));
    }

    [Fact]
    public void AsymmetricParams_Tensors()
    {
        var (s, z) = LinearQuantization.AsymmetricParams(8, T(-10), T(-2, 5));
        AssertEqual(T(25.5f, 17), s);
        AssertEqual(T(-255, -170), z);
        (s, z) = LinearQuantization.AsymmetricParams(8, T(0), T(0, 5));
        AssertEqual(T(1, 51), s);
        AssertEqual(T(0, 0), z);
        (s, z) = LinearQuantization.AsymmetricParams(8, T(-10), torch.tensor(new long[] { -2, 5 }));
        AssertEqual(T(25.5f, 17), s);
        AssertEqual(T(-255, -170), z);
        (s, z) = LinearQuantization.AsymmetricParams(8, T(-2, 5), T(10));
        AssertEqual(T(21.25f, 25.5f), s);
        AssertEqual(T(-42, 0), z);
        (s, z) = LinearQuantization.AsymmetricParams(8, T(0, -5), T(0));
        AssertEqual(T(1, 51), s);
        AssertEqual(T(0, -255), z);
        (s, z) = LinearQuantization.AsymmetricParams(8, torch.tensor(new long[] { -2, 5 }), T(10));
        AssertEqual(T(21.25f, 25.5f), s);
        AssertEqual(T(-42, 0), z);
        (s, z) = LinearQuantization.AsymmetricParams(8, T(-2, 5, -10, 0), T(10, 10, -5, 0));
        AssertEqual(T(21.25f, 25.5f, 25.5f, 1), s);
        AssertEqual(T(-42, 0, -255, 0), z);
    }

    private static readonly float[] TestValues =
    {
        -93, 33, -77, -42, -89, -55, 79, -19, -94,
        69, -46, -88, 19, -43, -38, 30, -56, 87,
        27, -86, 81, -60, -19, 59, 58, -47, -26,
        12, -74, 83, -83, -28, 69, 63, -95, -87,
    };

    private static Tensor Test4d => torch.tensor(TestValues).reshape(2, 2, 3, 3);
    private static Tensor Test2d => torch.tensor(TestValues).reshape(6, 6);

    [Fact]
    public void TensorMinMax()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorRanges.MinMax(Test2d, perDim: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorRanges.MinMax(Test2d, perDim: 6));
        var (mn, mx) = TensorRanges.MinMax(Test4d);
        AssertEqual(torch.tensor(-95f), mn);
        AssertEqual(torch.tensor(87f), mx);
        (mn, mx) = TensorRanges.MinMax(Test4d, perDim: 0);
        AssertEqual(T(-94, -95), mn);
        AssertEqual(T(87, 83), mx);
        (mn, mx) = TensorRanges.MinMax(Test2d, perDim: 0);
        AssertEqual(T(-93, -94, -56, -86, -74, -95), mn);
        AssertEqual(T(33, 79, 87, 81, 83, 69), mx);
    }

    [Fact]
    public void TensorAvgMinMax()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorRanges.AvgMinMax(Test2d, acrossDim: 2));
        var (mn, mx) = TensorRanges.AvgMinMax(Test2d);
        AssertEqual(torch.tensor(-95f), mn);
        AssertEqual(torch.tensor(87f), mx);
        // (-93-94-56-86-74-95)/6 = -83 ; (33+79+87+81+83+69)/6 = 72
        (mn, mx) = TensorRanges.AvgMinMax(Test2d, acrossDim: 0);
        AssertEqual(torch.tensor(-83f), mn);
        AssertEqual(torch.tensor(72f), mx);
        (mn, mx) = TensorRanges.AvgMinMax(Test4d, acrossDim: 0);
        AssertEqual(torch.tensor(-94.5f), mn);
        AssertEqual(torch.tensor(85f), mx);
    }

    [Fact]
    public void TensorMaxAbs()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorRanges.MaxAbs(Test2d, perDim: 6));
        AssertEqual(torch.tensor(95f), TensorRanges.MaxAbs(Test4d));
        AssertEqual(T(94, 95), TensorRanges.MaxAbs(Test4d, perDim: 0));
        AssertEqual(T(93, 94, 87, 86, 83, 95), TensorRanges.MaxAbs(Test2d, perDim: 0));
        AssertEqual(torch.tensor(95f), TensorRanges.AvgMaxAbs(Test2d));
        AssertEqual(torch.tensor(83f), TensorRanges.AvgMaxAbs(Test2d, acrossDim: 0));
        AssertEqual(torch.tensor(94.5f), TensorRanges.AvgMaxAbs(Test4d, acrossDim: 0));
    }

    [Fact]
    public void TensorMeanNStds()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorRanges.MeanNStdsMinMax(torch.tensor(TestValues), 0));
        var t = torch.tensor(TestValues);
        const float mean = -16f, std = 62.87447738647461f;
        var (mn, mx) = TensorRanges.MeanNStdsMinMax(t);
        Assert.Equal(mean - std, mn.item<float>(), 4);
        Assert.Equal(mean + std, mx.item<float>(), 4);
        (mn, mx) = TensorRanges.MeanNStdsMinMax(t, 2);
        Assert.Equal(-95f, mn.item<float>());
        Assert.Equal(87f, mx.item<float>());
    }

    [Theory]
    [InlineData(8, false, false, 0, 255)]
    [InlineData(8, false, true, 0, 255)]
    [InlineData(8, true, false, -128, 127)]
    [InlineData(8, true, true, -127, 127)]
    [InlineData(4, true, false, -8, 7)]
    [InlineData(4, true, true, -7, 7)]
    public void QuantizedRange(int bits, bool signed, bool restrict, long min, long max) =>
        Assert.Equal((min, max), LinearQuantization.QuantizedRange(bits, signed, restrict));

    [Fact]
    public void Quantize_RoundsHalfToEven_AsTorchRound()
    {
        // scale 1, zp 0: 0.5->0, 1.5->2, 2.5->2, -0.5->-0, -1.5->-2
        var q = LinearQuantization.Quantize(T(0.5f, 1.5f, 2.5f, -0.5f, -1.5f), torch.tensor(1f), torch.tensor(0f));
        AssertEqual(T(0, 2, 2, 0, -2), q);
        // asym (-2,10) 8 bit: scale 21.25, zp -42: x=1 -> round(21.25+42)=63 ; dequant (63-42)/21.25 = 0.98823529
        var (s, z) = LinearQuantization.AsymmetricParams(8, T(-2), T(10));
        var xq = LinearQuantization.QuantizeClamp(T(1f, 100f, -100f), s, z, 0, 255);
        AssertEqual(T(63, 255, 0), xq);
        Assert.Equal(21f / 21.25f, LinearQuantization.Dequantize(xq, s, z)[0].item<float>(), 6);
    }

    [Fact]
    public void FakeQuantizeSte_PassesGradientStraightThrough()
    {
        var x = T(0.1f, 0.26f, 0.9f).requires_grad_(true);
        // scale 2 (step 0.5): 0.2->0, 0.52->round(0.52)=1 ->0.5, 1.8->2 ->1.0
        var y = LinearQuantization.FakeQuantizeSte(x, torch.tensor(2f), torch.tensor(0f));
        AssertEqual(T(0f, 0.5f, 1f), y.detach());
        y.sum().backward();
        AssertEqual(T(1, 1, 1), x.grad!);
    }
}
