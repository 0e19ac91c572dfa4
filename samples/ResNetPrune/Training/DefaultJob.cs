using System.Diagnostics;
using System.Globalization;
using Distiller.Typed.Samples.ResNetPrune.Cli;
using Distiller.Typed.Samples.ResNetPrune.Compression;
using Distiller.Typed.Samples.ResNetPrune.Data;
using Distiller.Typed.Samples.ResNetPrune.Models;
using Distiller.Typed.Platform;

namespace Distiller.Typed.Samples.ResNetPrune.Training;

/// <summary>
/// What the program does when run with no arguments (the README's first command): on the shipped 2,000 + 500-image
/// subset, trains the dense <c>resnet20_narrow</c>, then prunes its best checkpoint with the AGP schedule compiled
/// into the program (<c>schedules/resnet20narrow.schedule_agp.yaml</c>, 85 % of the block convolutions' weights) and
/// prints dense against compressed accuracy and the sparsity table. The two runs are ordinary runs of
/// <see cref="ClassifierJob"/>; their command lines are printed so they can be repeated or varied.
/// </summary>
public static class DefaultJob
{
    public const int DenseEpochs = 10;
    public const int CompressEpochs = 8;
    public const int Seed = 1;

    /// <summary>
    /// The dense model's top-1 below which the job stops (chance is 10 %): pruning a model that did not learn compares
    /// nothing, and a dense run at chance means something is broken (learning rate, data, CPU kernels).
    /// </summary>
    public const double MinimumDenseTop1 = 50;

    /// <param name="output">Where the runs print.</param>
    /// <param name="outDir">Folder for the two runs' outputs (<c>dense/</c>, <c>agp/</c>); default logs/default___TIMESTAMP.</param>
    /// <param name="maxBatches">Minibatches per pass (0 = all; tests use a few).</param>
    /// <param name="minimumDenseTop1">Stop with exit code 1 when the dense model's best top-1 is below this (tests of tiny runs lower it).</param>
    /// <param name="error">Where the job's error line goes (default: standard error).</param>
    public static int Run(TextWriter output, string? outDir = null, int maxBatches = 0, int denseEpochs = DenseEpochs, int compressEpochs = CompressEpochs,
        double minimumDenseTop1 = MinimumDenseTop1, TextWriter? error = null)
    {
        error ??= Console.Error;
        output.WriteLine(CpuKernelGuard.Choice);
        var clock = Stopwatch.StartNew();
        outDir ??= Path.Combine("logs", $"default___{DateTime.Now:yyyy.MM.dd-HHmmss}");
        var schedule = CompiledSchedules.ShippedPath(CompiledSchedules.DefaultJobSchedule);
        var common = new ClassifierSettings
        {
            Arch = Architectures.Default,
            BatchSize = ClassifierCommand.DefaultBatchSize,
            LearningRate = 0.1,
            Momentum = 0.9,
            WeightDecay = 1e-4,
            Seed = Seed,
            DataDirectory = FashionMnist.SubsetKeyword,
            MaxBatches = maxBatches,
        };
        var dense = common with
        {
            Epochs = denseEpochs, OutDir = Path.Combine(outDir, "dense"),
            CompressionSchedule = CompiledSchedules.ShippedPath(CompiledSchedules.DefaultJobDenseSchedule),
        };
        output.WriteLine($"Default job, step 1 of 2: the dense model   (ResNetPrune {Describe(dense)})");
        var denseResult = ClassifierJob.Execute(dense, output)
            ?? throw new InvalidOperationException("The dense run trained no epoch.");
        if (denseResult.BestTop1 < minimumDenseTop1)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"error: the dense model reached only {denseResult.BestTop1:F2}% top-1 (chance is 10%, the job expects at least {minimumDenseTop1:F0}%), " +
                $"so pruning it would compare nothing. Its run is in {dense.OutDir}. Likely causes: a broken data set, a learning rate too high, " +
                $"or CPU kernels that compute wrong numbers on this processor ({CpuKernelGuard.Choice})."));
            return 1;
        }

        var best = Path.Combine(dense.OutDir!, ClassifierJob.BestFileName);
        var pruned = common with { Epochs = compressEpochs, OutDir = Path.Combine(outDir, "agp"), CompressionSchedule = schedule, ExpLoadWeightsFrom = best };
        output.WriteLine();
        output.WriteLine($"Default job, step 2 of 2: AGP pruning of the dense model's best epoch   (ResNetPrune {Describe(pruned)})");
        var prunedResult = ClassifierJob.Execute(pruned, output)
            ?? throw new InvalidOperationException("The pruning run trained no epoch.");

        output.WriteLine();
        output.WriteLine("Default job: dense vs compressed (shipped subset: validation on 200 images held out of the 2,000 training images, " +
                         "0.5 points each; test on the 500 test images, 0.2 points each)");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  dense       top-1 {denseResult.BestTop1,6:F2}% validation (best epoch {denseResult.BestEpoch + 1}, the pruning run's start), {denseResult.TestTop1,6:F2}% test (last epoch)   sparsity {denseResult.SparsityPercent,5:F2}%"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  AGP pruned  top-1 {prunedResult.Top1,6:F2}% validation (last epoch; best {prunedResult.BestTop1:F2}% at epoch {prunedResult.BestEpoch + 1}), {prunedResult.TestTop1,6:F2}% test   sparsity {prunedResult.SparsityPercent,5:F2}%"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Default job total time: {clock.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    private static string Describe(ClassifierSettings s)
    {
        var args = new List<string> { "--arch", s.Arch, "--epochs", s.Epochs.ToString(CultureInfo.InvariantCulture), "--seed", Seed.ToString(CultureInfo.InvariantCulture), "--data", s.DataDirectory!, "--out-dir", s.OutDir! };
        if (s.CompressionSchedule is not null)
            args.AddRange(["--compress", s.CompressionSchedule]);
        if (s.ExpLoadWeightsFrom is not null)
            args.AddRange(["--exp-load-weights-from", s.ExpLoadWeightsFrom]);
        if (s.MaxBatches > 0)
            args.AddRange(["--max-batches", s.MaxBatches.ToString(CultureInfo.InvariantCulture)]);
        return string.Join(' ', args);
    }
}
