using System.Globalization;
using Distiller.Typed.Samples.ResNetPrune.Checkpoints;
using Distiller.Typed.Samples.ResNetPrune.Cli;
using Distiller.Typed.Samples.ResNetPrune.Compression;
using Distiller.Typed.Samples.ResNetPrune.Models;
using Distiller.Typed.Samples.ResNetPrune.Training;
using static TorchSharp.torch;

namespace Distiller.Typed.Sample.Tests;

/// <summary>--compress end to end: compiled and run-time-loaded schedules, resuming a schedule, bad schedules.</summary>
public sealed class CompressionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("resnetprune-compress-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string name) => Path.Combine(_root, name);

    private static string AgpSchedule => CompiledSchedules.ShippedPath(CompiledSchedules.DefaultJobSchedule);

    [Fact]
    public void CompiledAgpScheduleUsesTheTypedBuilderAndLeavesTheSparsityFiles()
    {
        var (code, output, error) = ProgramRunner.Run(ProgramRunner.Tiny(Dir("agp"), 2, "--compress", AgpSchedule));
        Assert.True(code == 0, error);
        Assert.Contains("compiled into the program; typed builder for resnet20_narrow", output);
        Assert.Contains("Compressed model (resnet20narrow.schedule_agp.yaml) (resnet20_narrow): top-1", output);
        Assert.Contains("Total sparsity:", output); // the sparsity table at the end of the run

        // AGP (Zhu & Gupta): s_t = s_f + (s_i - s_f)(1 - (t - t0)/span)^3, span = ((end - start - 1) // freq) * freq = 4.
        // Epoch 1: 0.85 + (0.05 - 0.85)(1 - 1/4)^3 = 0.85 - 0.8 * 0.421875 = 0.5125; the pruner zeroes
        // int(0.5125 * numel) weights: 576 -> 295 (281 left), 9216 -> 4723 (4493 left). Unpruned tensors keep every weight.
        var csv = File.ReadAllLines(Path.Combine(Dir("agp"), "weights_sparsity.csv"));
        Assert.Equal("parameter,shape,volume,sparse volume,sparsity level", csv[0]);
        var rows = csv.Skip(1).Select(l => l.Split(',')).ToDictionary(r => r[0], r => r);
        Assert.Equal("281", rows["layer1.0.conv1.weight"][^2]);
        Assert.Equal("4493", rows["layer3.2.conv2.weight"][^2]);
        Assert.Equal("72", rows["conv1.weight"][^2]);
        Assert.Equal("320", rows["fc.weight"][^2]);

        var metrics = File.ReadAllLines(Path.Combine(Dir("agp"), MetricsCsv.FileName));
        Assert.True(double.Parse(metrics[^1].Split(',')[6], CultureInfo.InvariantCulture) > 0);
        // The exponential LR decay of the schedule (gamma 0.7) steps at the end of epoch 0: epoch 1 runs at 0.07.
        Assert.Equal(0.07, double.Parse(metrics[^1].Split(',')[1], CultureInfo.InvariantCulture), 12);
        Assert.True(File.Exists(Path.Combine(Dir("agp"), ClassifierJob.CheckpointFileName)));
        Assert.True(File.Exists(Path.Combine(Dir("agp"), ClassifierJob.BestFileName)));
    }

    [Fact]
    public void KilledAndResumedScheduleEndsWithTheSameMasksAndWeights()
    {
        var straight = ProgramRunner.Run(ProgramRunner.Tiny(Dir("straight"), 3, "--compress", AgpSchedule));
        Assert.True(straight.ExitCode == 0, straight.Error);

        // "Killed" after its first epoch, then resumed up to 3 epochs with the same schedule.
        var first = ProgramRunner.Run(ProgramRunner.Tiny(Dir("resumed"), 1, "--compress", AgpSchedule));
        Assert.True(first.ExitCode == 0, first.Error);
        var checkpoint = Path.Combine(Dir("resumed"), ClassifierJob.CheckpointFileName);
        var rest = ProgramRunner.Run([.. ProgramRunner.Tiny(Dir("resumed"), 3, "--compress", AgpSchedule), "--resume-from", checkpoint]);
        Assert.True(rest.ExitCode == 0, rest.Error);
        Assert.Contains("after epoch 0", rest.Output);

        using var a = LoadModel(Path.Combine(Dir("straight"), ClassifierJob.CheckpointFileName));
        using var b = LoadModel(checkpoint);
        var zeros = 0L;
        foreach (var ((name, x), (_, y)) in a.named_parameters().Zip(b.named_parameters()))
        {
            Assert.True(x.logical_not().eq(y.logical_not()).all().item<bool>(), $"{name}: the masks differ");
            Assert.True(x.eq(y).all().item<bool>(), $"{name}: the weights differ");
            zeros += x.logical_not().sum().item<long>();
        }
        Assert.True(zeros > 10_000, $"only {zeros} weights are pruned"); // epoch 2: 0.85 - 0.8 * 0.125 = 75 % of the block convolutions
    }

    [Fact]
    public void ResumingACompressedRunWithoutItsScheduleIsRefusedInsteadOfDensified()
    {
        var dir = Dir("agp");
        Assert.Equal(0, ProgramRunner.Run(ProgramRunner.Tiny(dir, 2, "--compress", AgpSchedule)).ExitCode);
        var checkpoint = Path.Combine(dir, ClassifierJob.CheckpointFileName);
        var best = File.ReadAllBytes(Path.Combine(dir, ClassifierJob.BestFileName));
        var metrics = File.ReadAllText(Path.Combine(dir, MetricsCsv.FileName));

        var (code, output, error) = ProgramRunner.Run([.. ProgramRunner.Tiny(dir, 4), "--resume-from", checkpoint]);
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {checkpoint}: the checkpoint is of a compressed run (schedule {AgpSchedule})", error);
        Assert.Contains($"--compress {AgpSchedule} --resume-from {checkpoint}", error);
        Assert.DoesNotContain("Epoch 3/4", output);
        Assert.Equal(best, File.ReadAllBytes(Path.Combine(dir, ClassifierJob.BestFileName)));
        Assert.Equal(metrics, File.ReadAllText(Path.Combine(dir, MetricsCsv.FileName)));

        // Evaluating it needs no schedule (the pruned weights are zeros in the weights), and the sparsity stays.
        var evaluated = ProgramRunner.Run("--evaluate", "--resume-from", checkpoint, "--data", "subset", "--max-batches", "1", "--device", "cpu");
        Assert.True(evaluated.ExitCode == 0, evaluated.Error);
        var sparsity = double.Parse(metrics.Trim().Split('\n')[^1].Split(',')[6], CultureInfo.InvariantCulture);
        Assert.True(sparsity > 10, $"sparsity {sparsity}");
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"sparsity {sparsity:F2}%"), evaluated.Output);

        // Starting a new run from its weights without a schedule is allowed, and said.
        var dense = ProgramRunner.Run([.. ProgramRunner.Tiny(Dir("dense-from-agp"), 1), "--exp-load-weights-from", checkpoint]);
        Assert.True(dense.ExitCode == 0, dense.Error);
        Assert.Contains($"Warning: {checkpoint} is of a compressed run (schedule {AgpSchedule}); without --compress its pruned weights will be trained back to dense.", dense.Output);

        // With its schedule the run continues.
        var resumed = ProgramRunner.Run([.. ProgramRunner.Tiny(dir, 3, "--compress", AgpSchedule), "--resume-from", checkpoint]);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains("Compressed model", resumed.Output);
    }

    [Fact]
    public void AScheduleWithoutPoliciesIsRefusedAndAPolicyAfterTheLastEpochIsWarnedAbout()
    {
        var empty = Path.Combine(_root, "empty.yaml");
        File.WriteAllText(empty, "");
        var (code, output, error) = ProgramRunner.Run(ProgramRunner.Tiny(Dir("empty"), 1, "--compress", empty));
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {empty}: the schedule has no policies, so it would compress nothing", error);
        Assert.DoesNotContain("Compressed model", output);

        var late = Path.Combine(_root, "late.yaml");
        File.WriteAllLines(late,
        [
            "version: 1",
            "pruners:",
            "  p:",
            "    class: AutomatedGradualPruner",
            "    initial_sparsity: 0.05",
            "    final_sparsity: 0.5",
            "    weights: [layer1.0.conv1.weight]",
            "policies:",
            "  - pruner:",
            "      instance_name: p",
            "    starting_epoch: 2",
            "    ending_epoch: 6",
            "    frequency: 1",
        ]);
        var run = ProgramRunner.Run(ProgramRunner.Tiny(Dir("late"), 2, "--compress", late));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains($"Warning: {late}: the policy of p starts at epoch 2, after the last epoch of this run (1, from --epochs 2); it will never run.", run.Output);
    }

    [Fact]
    public void APrunerDrivenByTwoPoliciesIsWarnedAboutWhenTheScheduleIsLoaded()
    {
        var shared = Path.Combine(_root, "shared.yaml");
        File.WriteAllLines(shared,
        [
            "version: 1",
            "pruners:",
            "  p:",
            "    class: AutomatedGradualPruner",
            "    initial_sparsity: 0.05",
            "    final_sparsity: 0.5",
            "    weights: [layer1.0.conv1.weight]",
            "policies:",
            "  - pruner:",
            "      instance_name: p",
            "    starting_epoch: 0",
            "    ending_epoch: 4",
            "    frequency: 1",
            "  - pruner:",
            "      instance_name: p",                // 15
            "    starting_epoch: 0",
            "    ending_epoch: 4",
            "    frequency: 1",
        ]);
        var (code, output, error) = ProgramRunner.Run(ProgramRunner.Tiny(Dir("shared"), 1, "--compress", shared));
        Assert.True(code == 0, error);
        Assert.Contains($"Warning: {shared}(15,22): warning DTS057: The pruner 'p' is already driven by the policy on line 10", output);
    }

    [Fact]
    public void DistillationJoinsTheScheduleAndResumesWithIt()
    {
        Assert.Equal(0, ProgramRunner.Run(ProgramRunner.Tiny(Dir("teacher"), 1)).ExitCode);
        var teacher = Path.Combine(Dir("teacher"), ClassifierJob.CheckpointFileName);
        string[] Kd(string dir, int epochs) => [.. ProgramRunner.Tiny(Dir(dir), epochs, "--compress", AgpSchedule), "--kd-teacher", "resnet20_narrow", "--kd-resume", teacher];

        var straight = ProgramRunner.Run(Kd("straight", 2));
        Assert.True(straight.ExitCode == 0, straight.Error);
        Assert.Contains("Train/", File.ReadAllText(Directory.GetFiles(Path.Combine(Dir("straight"), TensorBoardLog.FolderName)).Single()));
        Assert.Equal(0, ProgramRunner.Run(Kd("resumed", 1)).ExitCode);
        var checkpoint = Path.Combine(Dir("resumed"), ClassifierJob.CheckpointFileName);
        var rest = ProgramRunner.Run([.. Kd("resumed", 2), "--resume-from", checkpoint]);
        Assert.True(rest.ExitCode == 0, rest.Error);

        using var a = LoadModel(Path.Combine(Dir("straight"), ClassifierJob.CheckpointFileName));
        using var b = LoadModel(checkpoint);
        foreach (var ((name, x), (_, y)) in a.named_parameters().Zip(b.named_parameters()))
            Assert.True(x.eq(y).all().item<bool>(), $"{name}: the weights differ");
    }

    [Fact]
    public void MisspelledLayerInARunTimeScheduleFailsNamingFileLineAndName()
    {
        var path = Path.Combine(_root, "typo.yaml");
        File.WriteAllLines(path,
        [
            "version: 1",                               // 1
            "pruners:",                                 // 2
            "  p:",                                     // 3
            "    class: AutomatedGradualPruner",        // 4
            "    initial_sparsity: 0.05",               // 5
            "    final_sparsity: 0.5",                  // 6
            "    weights:",                             // 7
            "      - layer1.0.conv1.weight",            // 8
            "      - layer2.1.cnov2.weight",            // 9: misspelled
            "policies:",
            "  - pruner:",
            "      instance_name: p",
            "    starting_epoch: 0",
            "    ending_epoch: 2",
            "    frequency: 1",
        ]);
        var (code, output, error) = ProgramRunner.Run(ProgramRunner.Tiny(Dir("typo"), 1, "--compress", path));
        Assert.NotEqual(0, code);
        Assert.StartsWith("error: ", error);
        Assert.Contains($"{path}(9,", error);
        Assert.Contains("layer2.1.cnov2.weight", error);
        Assert.DoesNotContain("Epoch 1/1", output); // nothing was trained
    }

    [Fact]
    public void CompiledScheduleForAnotherArchitectureIsLoadedAtRunTime()
    {
        // resnet20.schedule_agp.yaml is compiled for ResNet20; resnet20_narrow has the same names, so it loads at run time.
        var schedule = Path.Combine(AppContext.BaseDirectory, "schedules", "resnet20.schedule_agp.yaml");
        var (code, output, error) = ProgramRunner.Run(ProgramRunner.Tiny(Dir("narrow"), 1, "--compress", schedule));
        Assert.True(code == 0, error);
        Assert.Contains("compiled for resnet20, loaded at run time for resnet20_narrow", output);
    }

    [Fact]
    public void ExpLoadWeightsFromStartsAFreshRunFromTrainedWeights()
    {
        Assert.Equal(0, ProgramRunner.Run(ProgramRunner.Tiny(Dir("dense"), 1)).ExitCode);
        var dense = Path.Combine(Dir("dense"), ClassifierJob.CheckpointFileName);
        var (code, output, error) = ProgramRunner.Run([.. ProgramRunner.Tiny(Dir("pruned"), 1, "--compress", AgpSchedule), "--exp-load-weights-from", dense]);
        Assert.True(code == 0, error);
        Assert.Contains("Epoch 1/1", output); // epochs start at 0, not after the dense run's
        // Epoch 0 of AGP prunes 5 % of each tensor at epoch begin, int(0.05 * 576) = 28 weights of layer1.0.conv1: the 28
        // smallest in magnitude of the loaded dense weights, so exactly those positions are zero at the end.
        using var denseModel = LoadModel(dense);
        using var model = LoadModel(Path.Combine(Dir("pruned"), ClassifierJob.CheckpointFileName));
        var before = denseModel.named_parameters().Single(p => p.name == "layer1.0.conv1.weight").parameter.flatten();
        var after = model.named_parameters().Single(p => p.name == "layer1.0.conv1.weight").parameter.flatten();
        var smallest = before.abs().topk(28, largest: false).indexes.sort().Values;
        var zeroed = after.logical_not().nonzero().flatten();
        Assert.Equal(smallest.data<long>().ToArray(), zeroed.data<long>().ToArray());
    }

    [Fact]
    public void SummariesOfSparsityAndCompute()
    {
        var compute = ProgramRunner.Run("--summary", "compute", "--arch", "resnet20_narrow", "--device", "cpu");
        Assert.True(compute.ExitCode == 0, compute.Error);
        // conv1: 8 filters x 1 x 3 x 3 weights applied at 28 x 28 output positions = 72 * 784 = 56,448 MACs.
        Assert.Contains("56448", compute.Output);
        Assert.Contains("Total MACs:", compute.Output);

        Assert.Equal(0, ProgramRunner.Run(ProgramRunner.Tiny(Dir("agp"), 2, "--compress", AgpSchedule)).ExitCode);
        var sparsity = ProgramRunner.Run("--summary", "sparsity", "--arch", "resnet20_narrow", "--device", "cpu",
            "--resume-from", Path.Combine(Dir("agp"), ClassifierJob.CheckpointFileName));
        Assert.True(sparsity.ExitCode == 0, sparsity.Error);
        Assert.Contains("layer1.0.conv1.weight", sparsity.Output);
        Assert.Contains("51.21528", sparsity.Output); // 295 / 576 zeros (see the AGP test above)
    }

    [Fact]
    public void QuantizeEvalEvaluatesAQuantizedModel()
    {
        Assert.Equal(0, ProgramRunner.Run(ProgramRunner.Tiny(Dir("dense"), 1)).ExitCode);
        var checkpoint = Path.Combine(Dir("dense"), ClassifierJob.CheckpointFileName);
        var calibrate = ProgramRunner.Run([.. ProgramRunner.Tiny(Dir("stats"), 1), "--resume-from", checkpoint, "--qe-calibration", "0.05"]);
        Assert.True(calibrate.ExitCode == 0, calibrate.Error);
        var stats = Path.Combine(Dir("stats"), ClassifierJob.CalibrationStatsFileName);
        Assert.Contains("conv1:", File.ReadAllText(stats));

        var (code, output, error) = ProgramRunner.Run([.. ProgramRunner.Tiny(Dir("qe"), 1), "--resume-from", checkpoint, "--evaluate",
            "--quantize-eval", "--qe-stats-file", stats]);
        Assert.True(code == 0, error);
        Assert.Contains("Quantized for evaluation: PostTrainLinearQuantizer, weights 8 bits, activations 8 bits", output);
        Assert.Contains("Test: loss", output);
    }

    [Fact]
    public void CalibrationDataTrainCollectsStatisticsOfTheFirstTrainingImages()
    {
        Assert.Equal(0, ProgramRunner.Run(ProgramRunner.Tiny(Dir("dense-cal"), 1)).ExitCode);
        var checkpoint = Path.Combine(Dir("dense-cal"), ClassifierJob.CheckpointFileName);
        // The shipped subset: 2,000 training and 500 test images; 5 % of each, rounded up, from the start.
        var onTest = ProgramRunner.Run([.. ProgramRunner.Tiny(Dir("cal-test"), 1), "--resume-from", checkpoint, "--qe-calibration", "0.05"]);
        Assert.True(onTest.ExitCode == 0, onTest.Error);
        Assert.Contains("statistics of the first 25 test images", onTest.Output);
        var onTrain = ProgramRunner.Run([.. ProgramRunner.Tiny(Dir("cal-train"), 1), "--resume-from", checkpoint, "--qe-calibration", "0.05",
            "--qe-calibration-data", "train"]);
        Assert.True(onTrain.ExitCode == 0, onTrain.Error);
        Assert.Contains("statistics of the first 100 training images", onTrain.Output);
        Assert.NotEqual(File.ReadAllText(Path.Combine(Dir("cal-test"), ClassifierJob.CalibrationStatsFileName)),
            File.ReadAllText(Path.Combine(Dir("cal-train"), ClassifierJob.CalibrationStatsFileName)));

        var wrong = ProgramRunner.Run([.. ProgramRunner.Tiny(Dir("cal-bad"), 1), "--resume-from", checkpoint, "--qe-calibration", "0.05",
            "--qe-calibration-data", "validation"]);
        Assert.Equal(ErrorPolicy.UserErrorExitCode, wrong.ExitCode);
        Assert.Contains("Argument 'validation' not recognized", wrong.Error);
        Assert.Contains("'train'", wrong.Error);
    }

    [Fact]
    public void DoReFaScheduleReplacesTheModelsLayersAndTrains()
    {
        // DorefaQuantizer swaps the ReLUs for clipped quantizers and quantizes the convolutions' weights in place on the
        // sample's ResNet-20, whose fields are typed Conv2d/BatchNorm2d/ReLU as TorchVision writes them.
        var schedule = Path.Combine(AppContext.BaseDirectory, "schedules", "resnet20.schedule_dorefa.yaml");
        var (code, output, error) = ProgramRunner.Run(ProgramRunner.Tiny(Dir("dorefa"), 1, "--arch", "resnet20", "--compress", schedule));
        Assert.True(code == 0, error);
        Assert.Contains("compiled into the program; typed builder for resnet20", output);
        Assert.Contains("Compressed model (resnet20.schedule_dorefa.yaml) (resnet20): top-1", output);
    }

    [Fact]
    public void DefaultJobTrainsDenseThenPrunesAndComparesThem()
    {
        var output = new StringWriter();
        Assert.Equal(0, DefaultJob.Run(output, Dir("default"), maxBatches: 2, denseEpochs: 1, compressEpochs: 2, minimumDenseTop1: 0));
        var text = output.ToString();
        Assert.Contains("Default job, step 1 of 2", text);
        Assert.Contains("compiled into the program; typed builder for resnet20_narrow", text);
        Assert.Contains("Default job: dense vs compressed", text);
        // The dense step decays its learning rate with a schedule that compresses nothing: still a dense model.
        Assert.Contains("Dense model (learning-rate schedule resnet20narrow.schedule_dense.yaml) (resnet20_narrow): top-1", text);
        // Epoch 1 of AGP prunes int(0.5125 * numel) of each block convolution (see the AGP test): layer1 6 x 295, layer2
        // 590 + 5 x 1180, layer3 2361 + 5 x 4723 = 34,236 zeros of the model's 67,848 weights = 50.46 %.
        Assert.Matches(@"AGP pruned  top-1 +\d+\.\d\d% .* sparsity 50\.46%", text);
        Assert.True(File.Exists(Path.Combine(Dir("default"), "dense", ClassifierJob.BestFileName)));
        Assert.True(File.Exists(Path.Combine(Dir("default"), "agp", "weights_sparsity.csv")));
    }

    [Fact]
    public void EverySampleScheduleInTheRepositoryIsCompiledIntoTheProgram()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Distiller.Typed.sln")))
            dir = dir.Parent;
        var schedules = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Distiller.Typed.sln not found"), "schedules");
        var files = Directory.GetFiles(schedules, "resnet20.*.yaml").Concat(Directory.GetFiles(schedules, "resnet20narrow.*.yaml"))
            .Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(11, files.Length); // 9 sample schedules and the reference protocol's 2: the glob found them all
        Assert.Equal(files, CompiledSchedules.All.Select(e => e.FileName).Order());
        foreach (var file in files)
        {
            var path = Path.Combine(schedules, file!);
            var entry = CompiledSchedules.All.Single(e => e.FileName == file);
            Assert.Same(entry, CompiledSchedules.Match(path, entry.Arch)); // the repository's file is the compiled text
            Assert.Null(CompiledSchedules.Match(path, entry.Arch == "resnet20" ? "resnet20_narrow" : "resnet20"));
        }

        // An edited copy is not the compiled schedule: it is loaded at run time.
        var edited = Path.Combine(_root, "resnet20.schedule_agp.yaml");
        File.WriteAllText(edited, File.ReadAllText(Path.Combine(schedules, "resnet20.schedule_agp.yaml")).Replace("0.85", "0.8"));
        Assert.Null(CompiledSchedules.Match(edited, "resnet20"));
    }

    private static nn.Module<Tensor, Tensor> LoadModel(string checkpoint)
    {
        var model = Architectures.Create(Checkpoint.ReadInfo(checkpoint).Arch);
        Checkpoint.Load(checkpoint, model);
        return model;
    }
}
