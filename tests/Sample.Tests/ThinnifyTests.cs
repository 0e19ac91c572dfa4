using System.Globalization;
using System.Text.RegularExpressions;
using Distiller.Typed.Samples.ResNetPrune.Checkpoints;
using Distiller.Typed.Samples.ResNetPrune.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Sample.Tests;

/// <summary>
/// <c>--thinnify</c> as a user runs it: on a checkpoint whose block convolutions have whole filters at zero, it writes
/// a thin checkpoint that <c>--resume-from … --evaluate</c> loads into the thin architecture and evaluates to the same
/// accuracy.
/// </summary>
public sealed partial class ThinnifyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("thin-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static T Module<T>(nn.Module model, string name) where T : nn.Module =>
        (T)model.named_modules().Single(m => m.name == name).module;

    /// <summary>Filter <paramref name="k"/> of <paramref name="conv"/> zero, and its batch norm's output for it zero (as a pruned channel's).</summary>
    private static void ZeroFilter(nn.Module model, string conv, string bn, long k)
    {
        using var noGrad = no_grad();
        Module<Conv2d>(model, conv).weight![k].zero_();
        Module<BatchNorm2d>(model, bn).bias![k].zero_();
        Module<BatchNorm2d>(model, bn).running_mean![k].zero_();
    }

    [GeneratedRegex(@"^  (before thinning|thin|reloaded)\s+([\d,]+)\s+([\d,]+)\s+([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex Row();

    [GeneratedRegex(@"Test: loss [\d.]+  top1 ([\d.]+)")]
    private static partial Regex TestLine();

    [Fact]
    public void AFilterPrunedCheckpointIsThinnedSavedAndReloadedWithTheSameAccuracy()
    {
        manual_seed(3);
        var model = new ResNet20Narrow();
        var dense = model.parameters().Sum(p => p.numel());
        ZeroFilter(model, "layer1.0.conv1", "layer1.0.bn1", 0);
        ZeroFilter(model, "layer1.0.conv1", "layer1.0.bn1", 5);
        ZeroFilter(model, "layer3.2.conv1", "layer3.2.bn1", 7);
        var source = Path.Combine(_dir, "pruned.ckpt");
        Checkpoint.Save(source, new CheckpointInfo("resnet20_narrow", 4, 10, 4, 5), model, null, null, null);

        var (code, output, error) = ProgramRunner.Run("--arch", "resnet20_narrow", "--resume-from", source, "--thinnify",
            "--data", "subset", "-b", "100", "--device", "cpu", "--out-dir", _dir);

        Assert.True(code == 0, error);
        var thinPath = Path.Combine(_dir, "pruned_thinned.ckpt");
        Assert.Contains($"Wrote {thinPath}", output);
        var reloaded = new ResNet20Narrow();
        Checkpoint.Load(thinPath, reloaded);
        Assert.Equal(new long[] { 6, 8, 3, 3 }, Module<Conv2d>(reloaded, "layer1.0.conv1").weight!.shape);
        Assert.Equal(new long[] { 8, 6, 3, 3 }, Module<Conv2d>(reloaded, "layer1.0.conv2").weight!.shape);
        Assert.Equal(new long[] { 31, 32, 3, 3 }, Module<Conv2d>(reloaded, "layer3.2.conv1").weight!.shape);
        Assert.Equal(new long[] { 32, 31, 3, 3 }, Module<Conv2d>(reloaded, "layer3.2.conv2").weight!.shape);
        Assert.Equal(new long[] { 8, 8, 3, 3 }, Module<Conv2d>(reloaded, "layer1.1.conv1").weight!.shape); // residual width unchanged
        // Removed: layer1.0 two filters 2·(8·9) + bn 2·2 + conv2 inputs 8·2·9 = 292; layer3.2 one filter 32·9 + bn 2 + conv2 inputs 32·9 = 578.
        Assert.Equal(dense - 870, reloaded.parameters().Sum(p => p.numel()));

        var rows = Row().Matches(output).ToDictionary(m => m.Groups[1].Value, m => m.Groups);
        Assert.Equal(3, rows.Count);
        long Count(string row, int column) => long.Parse(rows[row][column].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.Equal(dense, Count("before thinning", 2));
        Assert.Equal(dense - 870, Count("thin", 2));
        Assert.Equal(dense - 870, Count("reloaded", 2));
        // MACs of a 3×3 conv are out·in·9·H·W: layer1 runs at 28×28, layer3 at 7×7. Removed: layer1.0 (2·8 + 8·2)·9·784,
        // layer3.2 (1·32 + 32·1)·9·49.
        Assert.Equal(Count("before thinning", 3) - 32 * 9 * 784 - 64 * 9 * 49, Count("thin", 3));
        var top1 = rows["before thinning"][4].Value;
        Assert.Equal(top1, rows["thin"][4].Value);
        Assert.Equal(top1, rows["reloaded"][4].Value);

        var (evalCode, evalOutput, evalError) = ProgramRunner.Run("--arch", "resnet20_narrow", "--resume-from", thinPath, "--evaluate",
            "--data", "subset", "-b", "100", "--device", "cpu");
        Assert.True(evalCode == 0, evalError);
        Assert.Equal(double.Parse(top1, CultureInfo.InvariantCulture), double.Parse(TestLine().Match(evalOutput).Groups[1].Value, CultureInfo.InvariantCulture), 2);
    }

    private const string ThinningSchedule = """
        version: 1
        pruners:
          filter_pruner:
            class: L1RankedStructureParameterPruner_AGP
            initial_sparsity: 0.10
            final_sparsity: 0.50
            group_type: Filters
            weights: [layer1.0.conv1.weight, layer2.1.conv1.weight, layer3.2.conv1.weight]
        extensions:
          net_thinner:
            class: FilterRemover
            thinning_func_str: remove_filters
            arch: resnet20_narrow
            dataset: mnist
        policies:
          - pruner:
              instance_name: filter_pruner
            starting_epoch: 0
            ending_epoch: 3
            frequency: 1
          - extension:
              instance_name: net_thinner
            epochs: [3]
        """;

    [Fact]
    public void AFilterRemoverInTheScheduleThinsDuringTrainingAndTheRunResumesThin()
    {
        var schedule = Path.Combine(_dir, "thin.yaml");
        File.WriteAllText(schedule, ThinningSchedule);
        var run = Path.Combine(_dir, "run");

        var (code, _, error) = ProgramRunner.Run(ProgramRunner.Tiny(run, 4, "--compress", schedule));
        Assert.True(code == 0, error);

        // AGP reaches final_sparsity 0.5 at epoch 2 (span ((3 − 0 − 1) // 1) · 1 = 2); the thinner removes those filters at epoch 3.
        var checkpoint = Path.Combine(run, "checkpoint.ckpt");
        var model = new ResNet20Narrow();
        Checkpoint.Load(checkpoint, model);
        Assert.Equal(new long[] { 4, 8, 3, 3 }, Module<Conv2d>(model, "layer1.0.conv1").weight!.shape);
        Assert.Equal(new long[] { 8, 4, 3, 3 }, Module<Conv2d>(model, "layer1.0.conv2").weight!.shape);
        Assert.Equal(new long[] { 8, 16, 3, 3 }, Module<Conv2d>(model, "layer2.1.conv1").weight!.shape);
        Assert.Equal(new long[] { 16, 32, 3, 3 }, Module<Conv2d>(model, "layer3.2.conv1").weight!.shape);
        Assert.Equal(new long[] { 16 }, Module<BatchNorm2d>(model, "layer3.2.bn1").running_var!.shape);

        // The optimizer's momentum buffers were saved thin and load into the thin parameters.
        var (resumed, resumedOutput, resumedError) = ProgramRunner.Run(ProgramRunner.Tiny(run, 5, "--compress", schedule, "--resume-from", checkpoint));
        Assert.True(resumed == 0, resumedError);
        Assert.Contains("Resumed from", resumedOutput);
        Assert.Contains("after epoch 3", resumedOutput);
    }

    [Fact]
    public void AThinCheckpointLoadedIntoAnotherArchitectureIsAClearError()
    {
        var model = new ResNet20Narrow();
        ZeroFilter(model, "layer2.1.conv1", "layer2.1.bn1", 2);
        Distiller.Typed.Thinning.NetworkThinning.Thin(model, Distiller.Typed.Thinning.ThinningFunction.RemoveFilters, [1, 1, 28, 28]);
        var path = Path.Combine(_dir, "thin.ckpt");
        Checkpoint.Save(path, new CheckpointInfo("resnet20_narrow", 0, 0, 0, 5), model, null, null, null);

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, new ResNet20()));
        Assert.StartsWith($"{path}: the checkpoint holds a thinned model whose shapes do not fit the model built to load it (ResNet20)", e.Message);
        Assert.Contains("'layer2.1.conv1.weight' was [16, 16, 3, 3] before thinning, but is [32, 32, 3, 3] in the model", e.Message);
    }

    [Fact]
    public void ThinnifyNeedsACheckpoint()
    {
        var (code, _, error) = ProgramRunner.Run("--thinnify", "--data", "subset", "--device", "cpu", "--out-dir", _dir);
        Assert.NotEqual(0, code);
        Assert.Contains("--thinnify thins the model of a checkpoint: give it with --resume-from PATH", error);
    }
}
