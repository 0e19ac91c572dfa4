using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Thresholding;

/// <summary>The tensors of Distiller's tests/test_thresholding.py, and helpers to read results back.</summary>
internal static class ThresholdingTensors
{
    /// <summary>get_test_2d_tensor(): [[1,2,3],[4,5,6],[7,8,9],[10,11,12]].</summary>
    public static Tensor TwoD() => tensor(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }).reshape(4, 3);

    /// <summary>get_test_4d_tensor(): shape (2, 3, 3, 3).</summary>
    public static Tensor FourD() => tensor(new float[]
    {
        -1.2982f, 0.7574f, 0.7962f, -0.6695f, 1.5907f, 0.2659f, 0.1423f, 0.3165f, -0.7629f,
        -0.5480f, -1.2718f, 0.8286f, -0.6427f, 0.3814f, -0.7988f, 1.0346f, 1.3023f, -0.9674f,
        -0.7951f, 1.8784f, -0.5654f, 0.0456f, -0.2849f, -0.3332f, -0.2367f, 0.7467f, 0.9212f,
        1.3672f, 0.2993f, -0.0619f, 1.8156f, 0.7599f, 0.1815f, 0.4136f, 1.8316f, 1.7214f,
        0.5125f, -1.5329f, 0.9257f, 0.9200f, 0.4376f, 0.5743f, -0.0097f, 0.9473f, -0.0899f,
        0.2372f, 2.4369f, -0.3410f, -1.0595f, 0.8056f, -0.0357f, -1.0105f, -0.1451f, -0.4194f,
    }).reshape(2, 3, 3, 3);

    public static float[] Values(Tensor t) => t.contiguous().cpu().data<float>().ToArray();

    /// <summary>A (2, 3, 3, 3) mask whose kernel (f, c) is all <c>kernels[f * 3 + c]</c>.</summary>
    public static float[] KernelMask(params float[] kernels) => kernels.SelectMany(k => Enumerable.Repeat(k, 9)).ToArray();
}
