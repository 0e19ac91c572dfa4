using System.Diagnostics;
using System.Globalization;
using Distiller.Typed.Samples.ResNetPrune.Checkpoints;
using Distiller.Typed.Samples.ResNetPrune.Models;
using Distiller.Typed.Samples.ResNetPrune.Training;
using static TorchSharp.torch;

namespace Distiller.Typed.Sample.Tests;

/// <summary>
/// The output folder as a unit: one commit point per epoch (a run stopped at any write step leaves, after the next run
/// opens the folder, the files of one epoch that agree with each other and resume to the same end as an uninterrupted
/// run), a full disk, the lock against two runs, and the refusal to replace another run's results.
/// </summary>
public sealed class RunFolderTests : IDisposable
{
    private const int Epochs = 3;
    private readonly string _root = Directory.CreateTempSubdirectory("resnetprune-folder-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string name) => Path.Combine(_root, name);

    private sealed class Killed(string step) : Exception($"killed before '{step}'");

    [Fact]
    public void ARunStoppedAtAnyWriteStepLeavesOneConsistentEpochAndResumesToTheSameEnd()
    {
        // The uninterrupted run, recording the write steps of each epoch's commit.
        var commits = new List<List<string>>();
        var straight = ProgramRunner.RunWithWriteHook(step =>
        {
            if (step.StartsWith("write metrics", StringComparison.Ordinal))
                commits.Add([]);
            commits[^1].Add(step);
        }, ProgramRunner.Tiny(Dir("straight"), Epochs));
        Assert.True(straight.ExitCode == 0, straight.Error);
        Assert.Equal(Epochs, commits.Count);
        var expectedMetrics = File.ReadAllText(Path.Combine(Dir("straight"), MetricsCsv.FileName));
        var expectedFinal = File.ReadAllBytes(Path.Combine(Dir("straight"), ClassifierJob.CheckpointFileName));

        // Every step, in the last epoch whose commit has it (best.ckpt is written only in epochs that improve top-1).
        var cases = commits.SelectMany((steps, epoch) => steps.Select(step => (Step: step, Epoch: epoch)))
            .GroupBy(c => c.Step).Select(g => g.Last()).ToList();
        Assert.Contains(cases, c => c.Step == "write best.ckpt");
        Assert.Contains(cases, c => c.Step == "rename best.ckpt");
        Assert.Contains(cases, c => c.Step == "delete journal");
        foreach (var (step, epoch) in cases)
        {
            var dir = Dir($"killed-{epoch}-{step.Replace(' ', '-')}");
            var commit = -1;
            var killed = ProgramRunner.RunWithWriteHook(s =>
            {
                if (s.StartsWith("write metrics", StringComparison.Ordinal))
                    commit++;
                if (commit == epoch && s == step)
                    throw new Killed(s);
            }, ProgramRunner.Tiny(dir, Epochs));
            Assert.Contains($"killed before '{step}'", killed.Error);

            // Whatever lies under its final name is whole, before any recovery.
            foreach (var name in new[] { ClassifierJob.CheckpointFileName, ClassifierJob.BestFileName })
                if (File.Exists(Path.Combine(dir, name)))
                    Checkpoint.ReadInfo(Path.Combine(dir, name));

            RunFolder.Recover(dir, TextWriter.Null); // what the next run into the folder does first
            var context = $"stopped before '{step}' in epoch {epoch}";
            Assert.True(Directory.GetFiles(dir, ".*").All(f => Path.GetFileName(f) == RunFolderLock.FileName), context + ": temporary files left");
            var completed = AssertConsistent(dir, context);
            Assert.True(completed == epoch - 1 || completed == epoch, $"{context}: the folder holds epoch {completed}");

            // The next run continues from what is there and ends where the uninterrupted run ended.
            string[] next = completed < 0
                ? ProgramRunner.Tiny(dir, Epochs)
                : [.. ProgramRunner.Tiny(dir, Epochs), "--resume-from", Path.Combine(dir, ClassifierJob.CheckpointFileName)];
            var rest = ProgramRunner.Run(next);
            Assert.True(rest.ExitCode == 0, $"{context}: {rest.Error}");
            Assert.Equal(expectedMetrics, File.ReadAllText(Path.Combine(dir, MetricsCsv.FileName)));
            Assert.True(ModelsEqual(expectedFinal, Path.Combine(dir, ClassifierJob.CheckpointFileName)), $"{context}: the resumed run ends with other weights");
            AssertConsistent(dir, context);
        }
    }

    [Fact]
    public void AFullDiskWhileWritingAnEpochKeepsThePreviousEpochAndLeavesNoPartialFile()
    {
        var dir = Dir("full");
        var commit = -1;
        var (code, _, error) = ProgramRunner.RunWithWriteHook(step =>
        {
            if (step.StartsWith("write metrics", StringComparison.Ordinal))
                commit++;
            if (commit == 1 && step == "write checkpoint.ckpt")
                throw new IOException($"{Path.Combine(dir, ".checkpoint.ckpt.tmp")}: No space left on device");
        }, ProgramRunner.Tiny(dir, 2));

        Assert.Equal(1, code);
        Assert.StartsWith("error: ", error);
        Assert.Contains("No space left on device", error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal(0, AssertConsistent(dir, "full disk in epoch 1"));
        Assert.Empty(Directory.GetFiles(dir, ".*")); // no partial file, no journal, the lock released
    }

    [Fact]
    public async Task ASecondRunIntoTheSameFolderFailsAtOnceNamingTheFirst()
    {
        var dir = Dir("busy");
        using var firstIsWriting = new ManualResetEventSlim();
        using var secondIsDone = new ManualResetEventSlim();
        var first = Task.Run(() => ProgramRunner.RunWithWriteHook(_ =>
        {
            firstIsWriting.Set();
            secondIsDone.Wait();
        }, ProgramRunner.Tiny(dir, 1)));
        Assert.True(firstIsWriting.Wait(TimeSpan.FromMinutes(2)), "the first run never reached its commit");

        var clock = Stopwatch.StartNew();
        var second = ProgramRunner.Run(ProgramRunner.Tiny(dir, 1));
        secondIsDone.Set();
        Assert.Equal(1, second.ExitCode);
        Assert.Contains($"in use by another run (process {Environment.ProcessId}", second.Error);
        Assert.DoesNotContain("Epoch 1/1", second.Output);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the second run did not fail fast");

        var result = await first;
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(dir, MetricsCsv.FileName)).Length); // header and epoch 0, once
        Assert.False(File.Exists(Path.Combine(dir, RunFolderLock.FileName))); // released at the end
    }

    [Fact]
    public void TheLockOfAProcessThatIsGoneIsTakenOver()
    {
        using var gone = Process.Start(new ProcessStartInfo("sh", "-c true") { UseShellExecute = false })!;
        gone.WaitForExit();
        var dir = Directory.CreateDirectory(Dir("stale")).FullName;
        File.WriteAllText(Path.Combine(dir, RunFolderLock.FileName), gone.Id.ToString(CultureInfo.InvariantCulture) + "\n");
        File.WriteAllText(Path.Combine(dir, $".checkpoint.ckpt.{gone.Id}.tmp"), "half a checkpoint");

        var (code, output, error) = ProgramRunner.Run(ProgramRunner.Tiny(dir, 1));
        Assert.True(code == 0, error);
        Assert.Contains($"left by process {gone.Id}, which is no longer running; taking the folder over", output);
        Assert.Contains($"Removed .checkpoint.ckpt.{gone.Id}.tmp", output);
        Assert.Empty(Directory.GetFiles(dir, ".*"));
    }

    [Fact]
    public void AFolderWithAnotherRunsResultsIsRefusedUnlessResumedIntoOrOverwritten()
    {
        var dir = Dir("used");
        Assert.Equal(0, ProgramRunner.Run(ProgramRunner.Tiny(dir, 1)).ExitCode);
        var before = File.ReadAllBytes(Path.Combine(dir, ClassifierJob.CheckpointFileName));

        var fresh = ProgramRunner.Run(ProgramRunner.Tiny(dir, 1, "--lr", "0.05"));
        Assert.Equal(1, fresh.ExitCode);
        Assert.StartsWith($"error: {dir}: the folder holds the results of another run (checkpoint.ckpt, best.ckpt, metrics.csv)", fresh.Error);
        Assert.Contains("--overwrite-out-dir", fresh.Error);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(dir, ClassifierJob.CheckpointFileName)));

        var resumed = ProgramRunner.Run([.. ProgramRunner.Tiny(dir, 2), "--resume-from", Path.Combine(dir, ClassifierJob.CheckpointFileName)]);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(dir, MetricsCsv.FileName)).Length);

        var overwritten = ProgramRunner.Run(ProgramRunner.Tiny(dir, 1, "--overwrite-out-dir"));
        Assert.True(overwritten.ExitCode == 0, overwritten.Error);
        Assert.Contains("Replacing the results of the earlier run", overwritten.Output);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(dir, MetricsCsv.FileName)).Length);
        Assert.Single(Directory.GetFiles(Path.Combine(dir, TensorBoardLog.FolderName))); // the old run's events are gone
    }

    /// <summary>Checks the folder is one epoch's state and returns that epoch (-1: no epoch committed).</summary>
    private static int AssertConsistent(string dir, string context)
    {
        var checkpointPath = Path.Combine(dir, ClassifierJob.CheckpointFileName);
        var metricsPath = Path.Combine(dir, MetricsCsv.FileName);
        var bestPath = Path.Combine(dir, ClassifierJob.BestFileName);
        if (!File.Exists(checkpointPath))
        {
            Assert.False(File.Exists(bestPath), $"{context}: best.ckpt without checkpoint.ckpt");
            Assert.False(File.Exists(metricsPath), $"{context}: metrics.csv without checkpoint.ckpt");
            return -1;
        }
        var info = Checkpoint.ReadInfo(checkpointPath);
        var rows = File.ReadAllLines(metricsPath).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.True(Enumerable.Range(0, info.Epoch + 1).Select(e => e.ToString(CultureInfo.InvariantCulture)).SequenceEqual(rows.Select(r => r[0])),
            $"{context}: metrics.csv has epochs {string.Join(",", rows.Select(r => r[0]))} beside a checkpoint of epoch {info.Epoch}");
        var best = Checkpoint.ReadInfo(bestPath);
        Assert.True(best.Epoch == info.BestEpoch, $"{context}: best.ckpt holds epoch {best.Epoch}, the checkpoint says the best is epoch {info.BestEpoch}");
        Assert.Equal(info.BestTop1, best.BestTop1);
        Assert.Equal(Math.Round(info.BestTop1, 3), double.Parse(rows[info.BestEpoch][4], CultureInfo.InvariantCulture));
        return info.Epoch;
    }

    private static bool ModelsEqual(byte[] expectedCheckpoint, string actualPath)
    {
        var expectedPath = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(expectedPath, expectedCheckpoint);
            using var a = Architectures.Create(Architectures.Default);
            using var b = Architectures.Create(Architectures.Default);
            Checkpoint.Load(expectedPath, a);
            Checkpoint.Load(actualPath, b);
            return a.state_dict().Zip(b.state_dict()).All(p => p.First.Value.eq(p.Second.Value).all().item<bool>());
        }
        finally
        {
            File.Delete(expectedPath);
        }
    }
}
