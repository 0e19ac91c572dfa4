using System.Globalization;
using Distiller.Typed.Samples.ResNetPrune.Cli;
using Distiller.Typed.Sensitivity;
using SkiaSharp;

namespace Distiller.Typed.Sample.Tests;

/// <summary>
/// <c>--sense</c> end to end on the shipped subset (the CSV's rows, the dense rows against <c>--evaluate</c>, a PNG
/// that decodes to a drawn plot), and <c>sense-schedule</c>: a schedule from a hand-written CSV that the program
/// loads and trains, pruning the chosen weight by AGP's epoch-0 formula.
/// </summary>
public sealed class SensitivityTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("resnetprune-sense-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string name) => Path.Combine(_root, name);

    // resnet20_narrow's 2-D and 4-D weights: conv1, 3 stages × 3 blocks × 2 convolutions, 2 downsample convolutions, fc.
    private const int ElementWeights = 1 + 3 * 3 * 2 + 2 + 1;

    [Fact]
    public void Sense_writes_a_row_per_weight_and_level_and_a_plot()
    {
        Assert.Equal(0, ProgramRunner.Run(ProgramRunner.Tiny(Dir("dense"), 1)).ExitCode);
        var checkpoint = Path.Combine(Dir("dense"), "checkpoint.ckpt");
        var evaluated = ProgramRunner.Run(ProgramRunner.Tiny(Dir("eval"), 1, "--evaluate", "--resume-from", checkpoint));
        var (code, output, error) = ProgramRunner.Run(ProgramRunner.Tiny(Dir("sense"), 1,
            "--sense", "element", "--sense-range", "0", "0.6", "0.5", "--resume-from", checkpoint));
        Assert.True(code == 0, error + output);

        var points = SensitivityCsv.Read(Path.Combine(Dir("sense"), SensitivityCsv.FileName));
        Assert.Equal(ElementWeights * 2, points.Count); // weights × levels {0, 0.5}
        Assert.Equal(ElementWeights, points.Select(p => p.Parameter).Distinct().Count());
        Assert.All(points.Where((_, i) => i % 2 == 0), p => Assert.Equal(0, p.Sparsity));
        Assert.All(points.Where((_, i) => i % 2 == 1), p => Assert.Equal(0.5, p.Sparsity));
        // Level 0 is the dense model: every such row is the --evaluate result on the same test batch.
        var dense = points.Where(p => p.Sparsity == 0).Select(p => p.Top1.ToString("F2", CultureInfo.InvariantCulture)).Distinct();
        Assert.Contains($"top1 {Assert.Single(dense)}", evaluated.Output);

        var png = Path.Combine(Dir("sense"), "sensitivity.png");
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal((1100, 600), (bitmap.Width, bitmap.Height));
        var colors = new HashSet<SKColor>();
        for (var y = 0; y < bitmap.Height; y += 3)
            for (var x = 0; x < bitmap.Width; x += 3)
                colors.Add(bitmap.GetPixel(x, y));
        Assert.True(colors.Count > 20, $"the plot has only {colors.Count} colours: nothing drawn?");
        Assert.False(Directory.Exists(Path.Combine(Dir("sense"), "tensorboard")), "an analysis trains nothing");
    }

    [Fact]
    public void Sense_schedule_writes_an_AGP_schedule_that_the_program_trains()
    {
        var csv = Path.Combine(_root, "sensitivity.csv");
        File.WriteAllLines(csv,
        [
            "parameter,sparsity,top1,top5,loss",
            "layer1.0.conv1.weight,0.0,80.0,99.0,0.5", "layer1.0.conv1.weight,0.5,79.5,99.0,0.52", "layer1.0.conv1.weight,0.75,70.0,97.0,0.9",
            "fc.weight,0.0,80.0,99.0,0.5", "fc.weight,0.5,60.0,95.0,1.2",
        ]);
        var schedule = Path.Combine(_root, "schedules", "resnet20narrow.schedule_sense.yaml");
        var written = ProgramRunner.Run("sense-schedule", csv, "--budget", "1", "--ending-epoch", "4", "-o", schedule);
        Assert.True(written.ExitCode == 0, written.Error);
        var yaml = File.ReadAllText(schedule);
        Assert.Contains("final_sparsity: 0.5\n    weights:\n      - layer1.0.conv1.weight\n", yaml);
        Assert.DoesNotContain("fc.weight", yaml); // 60 % is 20 points under the dense 80 %

        var (code, output, error) = ProgramRunner.Run(ProgramRunner.Tiny(Dir("agp"), 1, "--compress", schedule));
        Assert.True(code == 0, error + output);
        Assert.Contains("loaded at run time", output);
        // Epoch 0 of AGP is initial_sparsity 0.05: int(0.05 × 576) = 28 of layer1.0.conv1's 8×8×3×3 weights are zero.
        var row = File.ReadAllLines(Path.Combine(Dir("agp"), "weights_sparsity.csv")).Single(l => l.StartsWith("layer1.0.conv1.weight,", StringComparison.Ordinal));
        Assert.Equal("576,548", string.Join(',', row.Split(',')[^3..^1]));
    }

    [Fact]
    public void Sense_schedule_with_SensitivityPruner_writes_sigma_multiples_that_train()
    {
        var csv = Path.Combine(_root, "sensitivity.csv");
        File.WriteAllLines(csv, ["parameter,sparsity,top1,top5,loss", "layer2.1.conv2.weight,0,80,99,0.5", "layer2.1.conv2.weight,0.5,80,99,0.5"]);
        var schedule = Path.Combine(_root, "resnet20narrow.schedule_sense.yaml");
        Assert.Equal(0, ProgramRunner.Run("sense-schedule", csv, "--pruner", "sensitivity", "-o", schedule).ExitCode);
        Assert.Contains("layer2.1.conv2.weight: 0.6745", File.ReadAllText(schedule)); // √2·erfinv(0.5)
        var (code, output, error) = ProgramRunner.Run(ProgramRunner.Tiny(Dir("sens"), 1, "--compress", schedule));
        Assert.True(code == 0, error + output);
        var row = File.ReadAllLines(Path.Combine(Dir("sens"), "weights_sparsity.csv")).Single(l => l.StartsWith("layer2.1.conv2.weight,", StringComparison.Ordinal));
        Assert.True(int.Parse(row.Split(',')[^2], CultureInfo.InvariantCulture) < 2304, row); // pruned: fewer than 16×16×3×3 non-zeros
    }

    [Theory]
    [InlineData("--sense-range 0 1 0", "--sense-range 0 1 0: STEP must be greater than 0")]
    [InlineData("--sense-range 0.5 0.2 0.1", "END must be greater than START")]
    [InlineData("--sense-range 0 1.5 0.25", "the levels reach 1.25")]
    [InlineData("--sense-range 0 1", "--sense-range takes three numbers, START END STEP (e.g. 0 0.95 0.05); got 2.")]
    [InlineData("--sense-range 0 1 0.1 0.2", "got 4.")]
    [InlineData("--vs 1.5", "--validation-split must be in [0, 1)")]
    [InlineData("--validation-split -0.1", "--validation-split must be in [0, 1)")]
    [InlineData("--print-freq 0", "--print-freq must be at least 1")]
    [InlineData("--sense weights", "weights")]
    [InlineData("sense-schedule x.csv --budget -1", "--budget must be a number of top-1 percentage points >= 0")]
    public void Bad_values_are_parse_errors_naming_the_option(string args, string message)
    {
        var parse = new ClassifierCommand((_, _) => 0).Root.Parse(args);
        Assert.Contains(parse.Errors, e => e.Message.Contains(message, StringComparison.Ordinal));
        var error = new StringWriter();
        Assert.Equal(ErrorPolicy.UserErrorExitCode, ErrorPolicy.ReportParseErrors(parse.Errors, error));
        Assert.StartsWith("error: ", error.ToString());
    }

    [Fact]
    public void Sense_without_trained_weights_is_an_error()
    {
        var (code, _, error) = ProgramRunner.Run(ProgramRunner.Tiny(Dir("x"), 1, "--sense", "filter"));
        Assert.Equal(ErrorPolicy.UserErrorExitCode, code);
        Assert.Contains("error: --sense filter measures trained weights: pass the checkpoint with --resume-from", error);
    }

    [Fact]
    public void A_broken_CSV_is_an_error_naming_its_line()
    {
        var csv = Path.Combine(_root, "bad.csv");
        File.WriteAllLines(csv, ["parameter,sparsity,top1,top5,loss", "fc.weight,0,80,99"]);
        var (code, _, error) = ProgramRunner.Run("sense-schedule", csv);
        Assert.Equal(ErrorPolicy.UserErrorExitCode, code);
        Assert.Contains($"error: {csv}(2): expected 5 fields", error);
    }
}
