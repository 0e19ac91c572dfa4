using System.Diagnostics;
using System.Globalization;
using Distiller.Typed.Samples.ResNetPrune.Checkpoints;
using Distiller.Typed.Samples.ResNetPrune.Cli;
using Distiller.Typed.Samples.ResNetPrune.Data;
using Distiller.Typed.Samples.ResNetPrune.Models;
using Distiller.Typed.Samples.ResNetPrune.Training;
using Distiller.Typed.Summaries;
using Distiller.Typed.Thinning;
using Distiller.Typed.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Thinning;

/// <summary>
/// <c>--thinnify</c> (Distiller's <c>contract_model</c> in compress_classifier.py): loads the <c>--resume-from</c>
/// checkpoint, removes the zero filters and then the zero channels (<see cref="NetworkThinning"/>), saves the thin
/// model as <c>NAME_thinned.ckpt</c> in the run folder — with its shapes, so that <c>--resume-from</c> of that file
/// builds the thin architecture — reloads it into a freshly built model, and prints parameters, MACs, test accuracy
/// and evaluation time of the model before thinning, after thinning and after reloading.
/// </summary>
public static class ThinnifyJob
{
    public const string Suffix = "_thinned.ckpt";

    private sealed record Measure(string Label, long Parameters, long Macs, EvaluationResult Result, double Seconds);

    public static JobResult Run(ClassifierSettings settings, nn.Module<Tensor, Tensor> model, Device device, TextWriter output)
    {
        var source = settings.ResumeFrom ?? throw new ArgumentException(
            "--thinnify thins the model of a checkpoint: give it with --resume-from PATH (e.g. the best.ckpt of a filter-pruning run).");
        var info = Checkpoint.Load(source, model);
        model.to(device);
        var dataDirectory = FashionMnist.ResolveDirectory(settings.DataDirectory);
        using var test = FashionMnist.Load(dataDirectory, DataSplit.Test);
        output.WriteLine($"Data: {dataDirectory} ({test.Count} test images)");

        var before = Evaluate("before thinning", model, test, settings, device);
        var shape = new long[] { 1, ResNetCifar.InputChannels, FashionMnist.ImageSize, FashionMnist.ImageSize };
        var filters = NetworkThinning.Thin(model, ThinningFunction.RemoveFilters, shape);
        var channels = NetworkThinning.Thin(model, ThinningFunction.RemoveChannels, shape);
        var after = Evaluate("thin", model, test, settings, device);

        var outDir = settings.OutDir ?? Path.Combine("logs", $"{settings.Experiment.Name ?? settings.Arch}___{DateTime.Now:yyyy.MM.dd-HHmmss}");
        Directory.CreateDirectory(outDir);
        var path = Path.Combine(outDir, Path.GetFileNameWithoutExtension(source) + Suffix);
        Checkpoint.Save(path, info, model, optimizer: null, hooks: null, teacher: null);

        using var reloaded = Architectures.Create(settings.Arch);
        Checkpoint.Load(path, reloaded);
        reloaded.to(device);
        var again = Evaluate("reloaded", reloaded, test, settings, device);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Thinning {source} ({settings.Arch}): remove_filters removed {filters.ChannelsRemoved} channels, remove_channels {channels.ChannelsRemoved}"));
        foreach (var kept in filters.Kept.Concat(channels.Kept))
            output.WriteLine("  " + kept);
        output.WriteLine("                   parameters          MACs   top-1 %   top-5 %      loss   eval s");
        foreach (var m in new[] { before, after, again })
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {m.Label,-15} {m.Parameters,11:N0} {m.Macs,13:N0} {m.Result.Top1,9:F2} {m.Result.Top5,9:F2} {m.Result.Loss,9:F4} {m.Seconds,8:F2}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Thin/before: parameters {(double)after.Parameters / before.Parameters:F3}, MACs {(double)after.Macs / before.Macs:F3}, top-1 change {after.Result.Top1 - before.Result.Top1:+0.00;-0.00;0.00} points"));
        output.WriteLine($"Wrote {path} (evaluate it with --arch {settings.Arch} --resume-from {path} --evaluate)");
        return new JobResult(again.Result.Top1, again.Result.Top1, info.BestEpoch, ModelSparsity.TotalPercent(reloaded), outDir);
    }

    private static Measure Evaluate(string label, nn.Module<Tensor, Tensor> model, LabeledImages test, ClassifierSettings settings, Device device)
    {
        using var optimizer = optim.SGD(model.parameters(), 0); // the trainer's evaluation pass never steps it
        using var hooks = new PolicyList(model, []);
        var trainer = new ClassifierTrainer(model, optimizer, hooks, device, new NonFiniteLossGuard());
        var clock = Stopwatch.StartNew();
        var result = trainer.Evaluate(test, settings.BatchSize, settings.MaxBatches);
        var seconds = clock.Elapsed.TotalSeconds;
        using var input = zeros([1, ResNetCifar.InputChannels, FashionMnist.ImageSize, FashionMnist.ImageSize], device: device);
        var macs = ComputeSummary.Compute(model, input).TotalMacs;
        return new Measure(label, model.parameters().Sum(p => p.numel()), macs, result, seconds);
    }
}
