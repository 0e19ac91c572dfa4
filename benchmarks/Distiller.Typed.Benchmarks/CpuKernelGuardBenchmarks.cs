using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.DotNetCli;
using Distiller.Typed.Platform;
using static TorchSharp.torch;

namespace Distiller.Typed.Benchmarks;

/// <summary>
/// The cost of the CPU-kernel guard: a ResNet-20 training step (batch 128, 3×32×32) and an evaluation pass
/// (no_grad, eval mode, batch 256) with the guard's safe kernels (<c>DISTILLER_TYPED_CPU_KERNELS=safe</c>: oneDNN off,
/// ATen at AVX2; the baseline) and with libtorch's own choice (<c>native</c>: oneDNN, AVX-512 where the processor has it). Each job is its
/// own process, since libtorch fixes its kernels once per process. The step uses learning rate 0, so that a NaN the
/// native kernels may produce on an affected processor cannot reach the weights and change what later steps compute.
/// Run: <c>dotnet run -c Release --project benchmarks/Distiller.Typed.Benchmarks -- --filter '*CpuKernelGuard*'</c>
/// (out of process: no <c>--inProcess</c>).
/// </summary>
[Config(typeof(Jobs))]
[MemoryDiagnoser]
public class CpuKernelGuardBenchmarks
{
    private ResNet20 _model = null!;
    private optim.Optimizer _optimizer = null!;
    private Tensor _input = null!;
    private Tensor _target = null!;
    private Tensor _evaluationInput = null!;

    private sealed class Jobs : ManualConfig
    {
        public Jobs()
        {
            WithBuildTimeout(TimeSpan.FromMinutes(10)); // each job builds its own copy of the project; 2 cores are slow
            // BenchmarkDotNet's generated project skips Directory.Build.targets, and with it the Debian 12 libstdc++
            // workaround (build/LibTorchSharp.WeakGlibcxxVersion.targets) that lets libtorch load here.
            var job = Job.Default.WithArguments([new MsBuildArgument("/p:ImportDirectoryBuildTargets=true")]);
            AddJob(job.WithEnvironmentVariable(CpuKernelGuard.SwitchVariable, "safe").WithId("guard-safe").AsBaseline());
            AddJob(job.WithEnvironmentVariable(CpuKernelGuard.SwitchVariable, "native").WithId("native"));
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        Console.WriteLine(CpuKernelGuard.Choice);
        Console.WriteLine($"ATen kernels: {CpuKernelGuard.AtenCapability() ?? "(not reported)"}");
        manual_seed(0);
        _model = new ResNet20();
        _optimizer = optim.SGD(_model.parameters(), 0.0, momentum: 0.9);
        _input = randn(128, 3, 32, 32);
        _target = randint(0, 10, new long[] { 128 });
        _evaluationInput = randn(256, 3, 32, 32);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        _input.Dispose();
        _target.Dispose();
        _evaluationInput.Dispose();
    }

    [Benchmark]
    public void TrainingStep()
    {
        _model.train();
        using var scope = NewDisposeScope();
        _optimizer.zero_grad();
        nn.functional.cross_entropy(_model.call(_input), _target).backward();
        _optimizer.step();
    }

    [Benchmark]
    public long EvaluationBatch()
    {
        _model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return _model.call(_evaluationInput).argmax(1).sum().item<long>();
    }
}
