using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.DotNetCli;
using Distiller.Typed.Thinning;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Benchmarks;

/// <summary>
/// What thinning buys at inference: an evaluation pass (eval mode, no_grad, batch 256 of 3×32×32) of a filter-pruned
/// ResNet-20 — half the filters of every block's first convolution zero, as <c>schedules/resnet20.schedule_filter_agp.yaml</c>
/// leaves them (final_sparsity 0.50, group_type Filters) — with the zeros still in place (the baseline) and after
/// <see cref="NetworkThinning"/> removed them. Both models are in one process, so the ratio column compares them under the
/// same load. Run: <c>dotnet run -c Release --project benchmarks/Distiller.Typed.Benchmarks -- --filter '*Thinning*'</c>.
/// </summary>
[Config(typeof(Jobs))]
[MemoryDiagnoser]
public class ThinningBenchmarks
{
    private ResNet20 _pruned = null!;
    private ResNet20 _thin = null!;
    private Tensor _input = null!;

    private sealed class Jobs : ManualConfig
    {
        public Jobs()
        {
            WithBuildTimeout(TimeSpan.FromMinutes(10));
            // The generated project skips Directory.Build.targets and with it the Debian 12 libstdc++ workaround.
            AddJob(Job.Default.WithArguments([new MsBuildArgument("/p:ImportDirectoryBuildTargets=true")]).WithWarmupCount(3).WithIterationCount(15));
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(0);
        _pruned = new ResNet20();
        using (no_grad())
        {
            foreach (var (name, module) in _pruned.named_modules())
                if (module is BatchNorm2d bn)
                {
                    bn.running_mean!.normal_(0, 0.1);
                    bn.running_var!.uniform_(0.5, 1.5);
                }
            var modules = _pruned.named_modules().ToDictionary(m => m.name, m => m.module);
            foreach (var (name, module) in modules)
                if (module is Conv2d conv && name.EndsWith(".conv1", StringComparison.Ordinal))
                {
                    var bn = (BatchNorm2d)modules[name[..^".conv1".Length] + ".bn1"];
                    for (long k = conv.weight!.shape[0] / 2; k < conv.weight.shape[0]; k++)
                    {
                        conv.weight[k].zero_();
                        bn.bias![k].zero_();
                        bn.running_mean![k].zero_();
                    }
                }
        }
        _thin = new ResNet20();
        _thin.load_state_dict(_pruned.state_dict());
        var result = NetworkThinning.Thin(_thin, ThinningFunction.RemoveFilters, [1, 3, 32, 32]);
        _pruned.eval();
        _thin.eval();
        _input = randn(256, 3, 32, 32);
        using var noGrad = no_grad();
        var difference = (_pruned.call(_input) - _thin.call(_input)).abs().max().item<float>();
        Console.WriteLine($"Thinning removed {result.ChannelsRemoved} channels: parameters {Count(_pruned):N0} -> {Count(_thin):N0}; " +
                          $"largest output difference {difference:G3}");
    }

    private static long Count(ResNet20 model) => model.parameters().Sum(p => p.numel());

    [GlobalCleanup]
    public void Cleanup()
    {
        _pruned.Dispose();
        _thin.Dispose();
        _input.Dispose();
    }

    [Benchmark(Baseline = true)]
    public long PrunedEvaluationBatch() => Evaluate(_pruned);

    [Benchmark]
    public long ThinEvaluationBatch() => Evaluate(_thin);

    private long Evaluate(ResNet20 model)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return model.call(_input).argmax(1).sum().item<long>();
    }
}
