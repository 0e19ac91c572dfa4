using System.Globalization;
using Distiller.Typed.Samples.ResNetPrune.Checkpoints;
using Distiller.Typed.Samples.ResNetPrune.Data;
using Distiller.Typed.Samples.ResNetPrune.Models;
using Distiller.Typed.Samples.ResNetPrune.Training;
using static TorchSharp.torch;

namespace Distiller.Typed.Sample.Tests;

/// <summary>
/// <c>--validation-split</c>: floor(portion × N) training images held out, chosen by the seed, disjoint from the rest;
/// the run validates on them and evaluates the test set at the end; <c>--vs 0</c> validates on the test set.
/// </summary>
public sealed class ValidationSplitTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("resnetprune-vs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(2000, 0.1, 200)]
    [InlineData(60000, 0.1, 6000)]
    [InlineData(1001, 0.1, 100)]
    [InlineData(7, 0.5, 3)]
    [InlineData(2000, 0.0, 0)]
    public void The_held_out_part_is_floor_of_portion_times_count_and_the_parts_cover_the_set(int count, double portion, int held)
    {
        var (train, validation) = ValidationSplit.Indices(count, portion, seed: 3);
        Assert.Equal(held, validation.Length);
        Assert.Equal(count - held, train.Length);
        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), train.Concat(validation).Order());
    }

    [Fact]
    public void The_same_seed_holds_out_the_same_images_and_another_seed_others()
    {
        var a = ValidationSplit.Indices(2000, 0.1, seed: 1).Validation;
        Assert.Equal(a, ValidationSplit.Indices(2000, 0.1, seed: 1).Validation);
        Assert.NotEqual(a, ValidationSplit.Indices(2000, 0.1, seed: 2).Validation);
        Assert.NotEqual(Enumerable.Range(0, 200).Select(i => (long)i), a); // shuffled, not the first images of the file
    }

    [Fact]
    public void The_split_subsets_hold_the_images_of_their_indices()
    {
        using var images = FashionMnist.Load(FashionMnist.ShippedSubsetDirectory, DataSplit.Train);
        var (trainIndices, validationIndices) = ValidationSplit.Indices(images.Count, 0.1, seed: 4);
        var (train, validation) = ValidationSplit.Split(images, 0.1, seed: 4);
        using (train)
        using (validation)
        {
            Assert.Equal((1800, 200), (train.Count, validation.Count));
            Assert.Equal(images.Labels[validationIndices[17]].item<long>(), validation.Labels[17].item<long>());
            Assert.True(images.Images[trainIndices[5]].equal(train.Images[5]).all().item<bool>());
        }
    }

    [Fact]
    public void A_run_validates_on_the_held_out_images_and_tests_at_the_end()
    {
        var (code, output, error) = ProgramRunner.Run(ProgramRunner.Tiny(Path.Combine(_root, "a"), 1, "--print-freq", "2", "--confusion"));
        Assert.True(code == 0, error);
        Assert.Contains("(1800 training, 200 validation (--vs 0.1), 500 test images)", output);
        Assert.Contains("on the test set  (validation: last top-1", output);
        // --print-freq 2 over 3 minibatches: lines at 2 and at the end (3).
        Assert.Contains("] 2/3 ", output);
        Assert.Contains("] 3/3 ", output);
        Assert.DoesNotContain("] 1/3 ", output);
        Assert.Contains("Confusion matrix (test set):", output);
        Assert.Contains("9 Ankle boot", output);

        var zero = ProgramRunner.Run(ProgramRunner.Tiny(Path.Combine(_root, "b"), 1, "--vs", "0"));
        Assert.Contains("(2000 training, the test set validates, 500 test images)", zero.Output);
    }

    [Fact]
    public void Name_names_the_default_output_folder_and_is_reported_when_out_dir_overrides_it()
    {
        var (code, output, error) = ProgramRunner.Run(ProgramRunner.Tiny(Path.Combine(_root, "n"), 1, "--name", "exp7"));
        Assert.True(code == 0, error);
        Assert.Contains($"Warning: --name exp7 names the default output folder (logs/exp7___TIMESTAMP); --out-dir {Path.Combine(_root, "n")} is used as given.", output);

        var cwd = Environment.CurrentDirectory;
        Environment.CurrentDirectory = _root; // the default folder is relative: logs/NAME___TIMESTAMP
        try
        {
            var args = ProgramRunner.Tiny("unused", 1, "--name", "exp7").ToList();
            args.RemoveRange(args.IndexOf("--out-dir"), 2);
            Assert.Equal(0, ProgramRunner.Run([.. args]).ExitCode);
        }
        finally
        {
            Environment.CurrentDirectory = cwd;
        }
        Assert.Single(Directory.GetDirectories(Path.Combine(_root, "logs"), "exp7___*"));
    }

    [Fact]
    public void The_epochs_validation_top1_is_the_checkpoints_accuracy_on_the_held_out_images()
    {
        var dir = Path.Combine(_root, "v");
        Assert.Equal(0, ProgramRunner.Run(ProgramRunner.Tiny(dir, 1)).ExitCode); // seed 5, 3 batches of 16
        var top1 = double.Parse(File.ReadAllLines(Path.Combine(dir, MetricsCsv.FileName))[1].Split(',')[4], CultureInfo.InvariantCulture);

        var checkpoint = Path.Combine(dir, ClassifierJob.CheckpointFileName);
        using var model = Architectures.Create(Checkpoint.ReadInfo(checkpoint).Arch);
        Checkpoint.Load(checkpoint, model);
        model.eval();
        using var images = FashionMnist.Load(FashionMnist.ShippedSubsetDirectory, DataSplit.Train);
        var (train, validation) = ValidationSplit.Split(images, 0.1, seed: 5);
        using (train)
        using (validation)
        using (no_grad())
        using (NewDisposeScope())
        {
            var first = validation.Batch(Enumerable.Range(0, 48).Select(i => (long)i).ToArray(), CPU);
            var correct = Accuracy.CorrectTopK(model.call(first.Input), first.Target, 1);
            Assert.Equal(Math.Round(100.0 * correct / 48, 3), top1);
        }
    }
}
