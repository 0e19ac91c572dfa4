using Distiller.Typed.Platform;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Platform;

/// <summary>
/// The numerical self-check of the CPU convolutions this process uses, at two threads. Each case is a convolution
/// seen to fail on AMD family 26 with libtorch 2.10's oneDNN kernels, or one ResNet-20 runs: its output, input gradient
/// and weight gradient are computed many times and each result is compared with the float64 reference (ATen's own
/// float64 convolution, which oneDNN never takes). Any non-finite value, or a relative error over 1e-4, fails.
/// On the machine this was written on, libtorch's own choice (oneDNN at AVX-512) failed the first case in 29 of 40
/// iterations, and oneDNN capped at AVX2 failed the second in 40 of 40 (43 % off). Run with
/// <c>DISTILLER_TYPED_CPU_KERNELS=native</c> to see whether your processor needs the guard.
/// </summary>
public class ConvolutionSelfCheckTests(ITestOutputHelper output)
{
    public static TheoryData<int, int, int, int, int, int, int> Cases() => new()
    {
        // batch, in, out, size, kernel, stride, iterations
        { 128, 8, 8, 28, 3, 1, 40 },  // NaN and wrong values with oneDNN at AVX-512
        { 16, 12, 16, 4, 3, 1, 40 },  // 43 % off with oneDNN at AVX2
        { 32, 3, 16, 32, 3, 1, 10 },  // ResNet-20's first convolution
        { 32, 16, 16, 32, 3, 1, 10 }, // stage 1
        { 32, 16, 32, 32, 3, 2, 10 }, // stage 2's first convolution
        { 32, 16, 32, 32, 1, 2, 10 }, // its 1×1 downsample
        { 32, 64, 64, 8, 3, 1, 10 },  // stage 3
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConvolutionForwardAndBackwardStayFiniteAndMatchFloat64(int batch, int inChannels, int outChannels, int size, int kernel, int stride, int iterations)
    {
        output.WriteLine(CpuKernelGuard.Choice.ToString());
        output.WriteLine($"ATen kernels: {CpuKernelGuard.AtenCapability() ?? "(not reported on this platform)"}; oneDNN enabled: {LibTorchCpu.OneDnnEnabled()?.ToString() ?? "(not reported)"}");
        var threads = torch.get_num_threads();
        torch.set_num_threads(2);
        try
        {
            using var scope = NewDisposeScope();
            var generator = new Generator(20261204);
            long[] strides = [stride, stride], padding = [kernel / 2, kernel / 2];
            var x = randn([batch, inChannels, size, size], generator: generator);
            var w = randn([outChannels, inChannels, kernel, kernel], generator: generator).mul_(1.0 / Math.Sqrt(inChannels * kernel * kernel));
            var b = randn([outChannels], generator: generator);

            var x64 = x.to(ScalarType.Float64).requires_grad_();
            var w64 = w.to(ScalarType.Float64).requires_grad_();
            var y64 = nn.functional.conv2d(x64, w64, b.to(ScalarType.Float64), strides, padding);
            var upstream = randn(y64.shape, generator: generator);
            y64.backward([upstream.to(ScalarType.Float64)]);
            Tensor[] references = [y64.detach(), x64.grad!, w64.grad!];

            var failures = new List<string>();
            for (var i = 0; i < iterations; i++)
            {
                using var step = NewDisposeScope();
                var xi = x.detach().requires_grad_();
                var wi = w.detach().requires_grad_();
                var y = nn.functional.conv2d(xi, wi, b, strides, padding);
                y.backward([upstream]);
                var results = new[] { ("output", y.detach()), ("input gradient", xi.grad!), ("weight gradient", wi.grad!) };
                foreach (var ((name, value), reference) in results.Zip(references))
                {
                    if (value.isfinite().logical_not().sum().item<long>() is var nonFinite and > 0)
                    {
                        failures.Add($"iteration {i}: {name} has {nonFinite} non-finite values");
                        continue;
                    }
                    var error = (value.to(ScalarType.Float64) - reference).abs().max().item<double>();
                    var scale = reference.abs().max().item<double>();
                    if (!(error <= 1e-4 * scale))
                        failures.Add($"iteration {i}: {name} differs from float64 by up to {error:G3} (reference max {scale:G3})");
                }
            }
            Assert.True(failures.Count == 0,
                $"{failures.Count} bad results in {iterations} iterations with {CpuKernelGuard.Choice}:\n" + string.Join("\n", failures.Take(10)));
        }
        finally
        {
            torch.set_num_threads(threads);
        }
    }
}
