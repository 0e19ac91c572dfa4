using Distiller.Typed.Platform;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Platform;

/// <summary>
/// The numerical self-check of the CPU kernels this process uses: the convolution forward and backward that returned
/// NaN now and then on AMD family 26 with libtorch's AVX-512 kernels (8→8 channels, 3×3, 28×28, batch 128, two
/// threads), many times; every result is checked for non-finite values, and every tenth against a float64 reference
/// (float64 convolution has no fast kernel, so checking each would take minutes). Any non-finite value, or a result
/// far from the reference, fails. Run with <c>DISTILLER_TYPED_CPU_KERNELS=native</c> to see whether this processor needs the guard.
/// </summary>
[Collection(nameof(ThreadCountCollection))]
public class ConvolutionSelfCheckTests(ITestOutputHelper output)
{
    private const int Iterations = 150;
    private const int ReferenceEvery = 10;

    [Fact]
    public void ConvolutionForwardAndBackwardStayFiniteAndMatchFloat64()
    {
        output.WriteLine(CpuKernelGuard.Choice.ToString());
        output.WriteLine($"ATen kernels: {CpuKernelGuard.AtenCapability() ?? "(not reported on this platform)"}");
        var threads = torch.get_num_threads();
        torch.set_num_threads(2);
        try
        {
            var generator = new Generator(20261203);
            var failures = new List<string>();
            for (var i = 0; i < Iterations; i++)
            {
                using var scope = NewDisposeScope();
                var x = randn([128, 8, 28, 28], generator: generator).requires_grad_();
                var w = randn([8, 8, 3, 3], generator: generator).mul_(0.1).requires_grad_();
                var upstream = randn([128, 8, 28, 28], generator: generator);
                var y = nn.functional.conv2d(x, w, padding: [1, 1]);
                y.backward([upstream]);

                var results = new[] { ("output", y), ("input gradient", x.grad!), ("weight gradient", w.grad!) };
                foreach (var (name, value) in results)
                {
                    if (value.isfinite().logical_not().sum().item<long>() is var nonFinite and > 0)
                        failures.Add($"iteration {i}: {name} has {nonFinite} non-finite values");
                }
                if (i % ReferenceEvery != 0)
                    continue;

                var x64 = x.detach().to(ScalarType.Float64).requires_grad_();
                var w64 = w.detach().to(ScalarType.Float64).requires_grad_();
                var y64 = nn.functional.conv2d(x64, w64, padding: [1, 1]);
                y64.backward([upstream.to(ScalarType.Float64)]);
                foreach (var ((name, value), reference) in results.Zip(new[] { y64, x64.grad!, w64.grad! }))
                {
                    var error = (value.detach().to(ScalarType.Float64) - reference).abs().max().item<double>();
                    var scale = reference.abs().max().item<double>();
                    if (!(error <= 1e-4 * scale))
                        failures.Add($"iteration {i}: {name} differs from float64 by up to {error:G3} (reference max {scale:G3})");
                }
            }
            Assert.True(failures.Count == 0,
                $"{failures.Count} bad results in {Iterations} iterations with {CpuKernelGuard.Choice}:\n" + string.Join("\n", failures.Take(10)));
        }
        finally
        {
            torch.set_num_threads(threads);
        }
    }
}

/// <summary>Tests that change torch's thread count run alone.</summary>
[CollectionDefinition(nameof(ThreadCountCollection), DisableParallelization = true)]
public sealed class ThreadCountCollection { }
