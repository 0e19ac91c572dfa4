using System.Globalization;
using Distiller.Typed.Samples.ResNetPrune.Checkpoints;
using Distiller.Typed.Samples.ResNetPrune.Data;
using Distiller.Typed.Samples.ResNetPrune.Models;
using Distiller.Typed.Samples.ResNetPrune.Training;
using static TorchSharp.torch;

namespace Distiller.Typed.Sample.Tests;

public sealed class EndToEndTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("resnetprune-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string name) => Path.Combine(_root, name);

    [Fact]
    public void OneEpochLeavesMetricsTensorBoardAndCheckpoints()
    {
        var (code, output, error) = ProgramRunner.Run(ProgramRunner.Tiny(Dir("run"), 1));
        Assert.True(code == 0, error);
        Assert.Contains("Epoch 1/1", output);
        Assert.Contains("Dense model (resnet20_narrow): top-1", output);

        var csv = File.ReadAllLines(Path.Combine(Dir("run"), MetricsCsv.FileName));
        Assert.Equal("epoch,lr,train_loss,val_loss,top1,top5,total_sparsity", csv[0]);
        var row = Assert.Single(csv.Skip(1)).Split(',');
        Assert.Equal("0", row[0]);
        Assert.Equal(0.1, double.Parse(row[1], CultureInfo.InvariantCulture));
        Assert.InRange(double.Parse(row[4], CultureInfo.InvariantCulture), 0, 100);
        Assert.InRange(double.Parse(row[5], CultureInfo.InvariantCulture), double.Parse(row[4], CultureInfo.InvariantCulture), 100);
        Assert.Equal(0.0, double.Parse(row[6], CultureInfo.InvariantCulture)); // dense: no weight is exactly 0

        var events = Assert.Single(Directory.GetFiles(Path.Combine(Dir("run"), TensorBoardLog.FolderName), "events.out.tfevents.*"));
        Assert.True(new FileInfo(events).Length > 100);

        var info = Checkpoint.ReadInfo(Path.Combine(Dir("run"), ClassifierJob.CheckpointFileName));
        Assert.Equal(new CheckpointInfo("resnet20_narrow", 0, double.Parse(row[4], CultureInfo.InvariantCulture), 0, 5), info with { BestTop1 = Math.Round(info.BestTop1, 3) });
        Assert.True(File.Exists(Path.Combine(Dir("run"), ClassifierJob.BestFileName)));
        Assert.Empty(Directory.GetFiles(Dir("run"), "*.tmp"));
    }

    [Fact]
    public void KilledAndResumedRunEndsWithTheSameWeightsAsAnUninterruptedOne()
    {
        var straight = ProgramRunner.Run(ProgramRunner.Tiny(Dir("straight"), 3));
        Assert.True(straight.ExitCode == 0, straight.Error);

        // "Killed" after its first epoch: only epoch 0's checkpoint exists; then resumed up to 3 epochs.
        var first = ProgramRunner.Run(ProgramRunner.Tiny(Dir("resumed"), 1));
        Assert.True(first.ExitCode == 0, first.Error);
        var checkpoint = Path.Combine(Dir("resumed"), ClassifierJob.CheckpointFileName);
        var rest = ProgramRunner.Run([.. ProgramRunner.Tiny(Dir("resumed"), 3).Where(a => a != "--seed" && a != "5"), "--resume-from", checkpoint]);
        Assert.True(rest.ExitCode == 0, rest.Error);
        Assert.Contains("after epoch 0", rest.Output);
        Assert.DoesNotContain("Epoch 1/3", rest.Output);

        using var a = LoadModel(Path.Combine(Dir("straight"), ClassifierJob.CheckpointFileName));
        using var b = LoadModel(checkpoint);
        var expected = a.state_dict();
        var actual = b.state_dict();
        Assert.Equal(expected.Keys, actual.Keys); // weights, batch-norm running statistics and counters
        foreach (var (name, tensor) in expected)
            Assert.True(Same(tensor, actual[name]), $"{name} differs after resuming");

        Assert.Equal(
            File.ReadAllLines(Path.Combine(Dir("straight"), MetricsCsv.FileName)).Select(l => l.Split(',')[0]),
            File.ReadAllLines(Path.Combine(Dir("resumed"), MetricsCsv.FileName)).Select(l => l.Split(',')[0]));
        Assert.Equal(Checkpoint.ReadInfo(Path.Combine(Dir("straight"), ClassifierJob.CheckpointFileName)),
            Checkpoint.ReadInfo(checkpoint));
    }

    [Fact]
    public void ResumingWithoutTheOptimizerStateWouldDiverge()
    {
        // Guards the test above: continuing from the same weights with SGD's momentum buffers lost ends elsewhere,
        // so the equality there proves the optimizer state travelled in the checkpoint.
        Assert.Equal(0, ProgramRunner.Run(ProgramRunner.Tiny(Dir("base"), 1)).ExitCode);
        var checkpoint = Path.Combine(Dir("base"), ClassifierJob.CheckpointFileName);
        using var restarted = LoadModel(checkpoint);
        Assert.Equal(0, ProgramRunner.Run([.. ProgramRunner.Tiny(Dir("base"), 2), "--resume-from", checkpoint]).ExitCode);
        using var resumed = LoadModel(checkpoint);

        using var optimizer = optim.SGD(restarted.parameters(), 0.1, 0.9, weight_decay: 1e-4); // empty momentum buffers
        using var hooks = new PolicyList(restarted, []);
        using var data = FashionMnist.Load(FashionMnist.ShippedSubsetDirectory, DataSplit.Train);
        new ClassifierTrainer(restarted, optimizer, hooks, CPU, new Distiller.Typed.Training.NonFiniteLossGuard()).TrainEpoch(1, data, 16, ClassifierJob.ShuffleSeed(5, 1), 3, null);

        var names = resumed.named_parameters().Select(p => p.name).ToList();
        Assert.Contains(names, name => !Same(resumed.get_parameter(name)!, restarted.get_parameter(name)!));
    }

    [Fact]
    public void DeterministicRunsWithoutASeedUseSeedZeroAndRepeat()
    {
        string[] Args(string dir) => [.. ProgramRunner.Tiny(dir, 1).Where(a => a != "--seed" && a != "5"), "--deterministic"];
        var first = ProgramRunner.Run(Args(Dir("a")));
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("seed 0", first.Output);
        Assert.Equal(0, ProgramRunner.Run(Args(Dir("b"))).ExitCode);
        using var a = LoadModel(Path.Combine(Dir("a"), ClassifierJob.CheckpointFileName));
        using var b = LoadModel(Path.Combine(Dir("b"), ClassifierJob.CheckpointFileName));
        Assert.All(a.state_dict().Zip(b.state_dict()), p => Assert.True(Same(p.First.Value, p.Second.Value), p.First.Key));
    }

    [Fact]
    public void EvaluateReproducesTheTestEvaluationAtTheEndOfTheRun()
    {
        // The run validates on images held out of the training set (--vs 0.1) and evaluates the test set at its end;
        // --evaluate of its checkpoint gives the same test line.
        var run = ProgramRunner.Run(ProgramRunner.Tiny(Dir("run"), 1));
        Assert.Equal(0, run.ExitCode);
        var testLine = Assert.Single(run.Output.Split('\n'), l => l.StartsWith("Test: ", StringComparison.Ordinal));
        var (code, output, error) = ProgramRunner.Run(ProgramRunner.Tiny(Dir("eval"), 1, "--evaluate", "--resume-from", Path.Combine(Dir("run"), ClassifierJob.CheckpointFileName)));
        Assert.True(code == 0, error);
        Assert.Contains(testLine, output);
        Assert.False(Directory.Exists(Dir("eval")));
    }

    [Fact]
    public void KnowledgeDistillationFromACheckpointedTeacherRuns()
    {
        Assert.Equal(0, ProgramRunner.Run(ProgramRunner.Tiny(Dir("teacher"), 1, "--arch", "resnet20")).ExitCode);
        var teacher = Path.Combine(Dir("teacher"), ClassifierJob.CheckpointFileName);
        var (code, output, error) = ProgramRunner.Run(ProgramRunner.Tiny(Dir("student"), 1,
            "--kd-teacher", "resnet20", "--kd-resume", teacher, "--kd-temp", "4", "--kd-dw", "0.7", "--kd-sw", "0.3"));
        Assert.True(code == 0, error);
        Assert.Contains($"Teacher: resnet20 from {teacher}", output);

        var mismatch = ProgramRunner.Run(ProgramRunner.Tiny(Dir("student2"), 1, "--kd-teacher", "resnet32", "--kd-resume", teacher));
        Assert.Equal(1, mismatch.ExitCode);
        Assert.Contains("holds a resnet20 model but --kd-teacher is resnet32", mismatch.Error);
    }

    [Fact]
    public void ATeacherTrainedAlongsideTheStudentIsCheckpointedAndResumed()
    {
        Assert.Equal(0, ProgramRunner.Run(ProgramRunner.Tiny(Dir("teacher"), 1)).ExitCode);
        var teacher = Path.Combine(Dir("teacher"), ClassifierJob.CheckpointFileName);
        string[] Kd(string dir, int epochs) => ProgramRunner.Tiny(dir, epochs, "--kd-teacher", "resnet20_narrow", "--kd-resume", teacher, "--kd-tw", "0.5", "--kd-temp", "2");

        var straight = ProgramRunner.Run(Kd(Dir("straight"), 2));
        Assert.True(straight.ExitCode == 0, straight.Error);
        Assert.Equal(0, ProgramRunner.Run(Kd(Dir("resumed"), 1)).ExitCode);
        var checkpoint = Path.Combine(Dir("resumed"), ClassifierJob.CheckpointFileName);
        var rest = ProgramRunner.Run([.. Kd(Dir("resumed"), 2), "--resume-from", checkpoint]);
        Assert.True(rest.ExitCode == 0, rest.Error);

        // The teacher trained in epoch 0 must come back from the checkpoint, not from --kd-resume, for epoch 1 to match.
        using var a = LoadModel(Path.Combine(Dir("straight"), ClassifierJob.CheckpointFileName));
        using var b = LoadModel(checkpoint);
        Assert.All(a.state_dict().Zip(b.state_dict()), p => Assert.True(Same(p.First.Value, p.Second.Value), p.First.Key));
    }

    [Theory]
    [InlineData("--compress", "agp.yaml", "--compress: no schedule file at")]
    [InlineData("--evaluate", null, "--resume-from")]
    [InlineData("--quantize-eval", null, "add --evaluate")]
    [InlineData("--exp-load-weights-from", "/nonexistent.ckpt", "--exp-load-weights-from: no checkpoint at '/nonexistent.ckpt'")]
    [InlineData("--data", "/nonexistent-dir", "apt-get install dataset-fashion-mnist")]
    [InlineData("--compress", "", "--compress: the file name is empty; give the path of a schedule file")]
    [InlineData("--resume-from", "/", "--resume-from: '/' is a folder; give the path of a checkpoint (a file)")]
    public void BadRequestsFailWithAMessageNamingTheFlag(string flag, string? value, string expected)
    {
        var (code, _, error) = ProgramRunner.Run([.. ProgramRunner.Tiny(Dir("bad"), 1).Where(a => a != "--data" && a != "subset"), flag, .. value is null ? Array.Empty<string>() : [value]]);
        Assert.Equal(1, code);
        Assert.Contains(expected, error);
        Assert.StartsWith("error: ", error);
    }

    [Fact]
    public void AnEmptyOutDirIsReportedWithTheFlag()
    {
        var (code, _, error) = ProgramRunner.Run("--out-dir", "", "--data", "subset", "--epochs", "1", "--device", "cpu");
        Assert.Equal(1, code);
        Assert.Equal("error: --out-dir: the folder name is empty; give a folder.", error.Trim());
    }

    [Fact]
    public void ResumingWithAnotherArchitectureIsRefused()
    {
        Assert.Equal(0, ProgramRunner.Run(ProgramRunner.Tiny(Dir("run"), 1)).ExitCode);
        var (code, _, error) = ProgramRunner.Run([.. ProgramRunner.Tiny(Dir("run"), 2), "--arch", "resnet20", "--resume-from", Path.Combine(Dir("run"), ClassifierJob.CheckpointFileName)]);
        Assert.Equal(1, code);
        Assert.Contains("holds a resnet20_narrow model but --arch is resnet20", error);
    }

    [Fact]
    public void SummaryModelPrintsEveryParameterShape()
    {
        var (code, output, _) = ProgramRunner.Run("--summary", "model", "--arch", "resnet20", "--device", "cpu");
        Assert.Equal(0, code);
        Assert.Contains("layer2.0.downsample.0.weight", output);
        Assert.Contains("(32, 16, 1, 1)", output);
        Assert.Contains("Total parameters: 272,186", output);
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static nn.Module<Tensor, Tensor> LoadModel(string checkpoint)
    {
        var model = Architectures.Create(Checkpoint.ReadInfo(checkpoint).Arch);
        Checkpoint.Load(checkpoint, model);
        return model;
    }
}
