using Distiller.Typed.Samples.ResNetPrune.Training;

namespace Distiller.Typed.Sample.Tests;

/// <summary>
/// <c>--qe-stats-file</c> is checked against the model before it quantizes anything: statistics of another
/// architecture (other shapes), values that are not finite, layers missing or unknown are errors naming the file.
/// </summary>
public sealed class StatsFileTests(GoodFiles good) : IClassFixture<GoodFiles>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("resnetprune-stats-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (int ExitCode, string Output, string Error) Evaluate(string stats, string? checkpoint = null) =>
        ProgramRunner.Run([.. ProgramRunner.Tiny(Path.Combine(_root, "out"), 1), "--evaluate", "--resume-from", checkpoint ?? good.Checkpoint,
            "--quantize-eval", "--qe-stats-file", stats]);

    private string Edited(string name, Func<string, string> edit)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, edit(File.ReadAllText(good.Stats)));
        return path;
    }

    [Fact]
    public void TheCalibratedStatisticsOfTheModelAreAccepted()
    {
        var (code, output, error) = Evaluate(good.Stats);
        Assert.True(code == 0, error);
        Assert.Contains($"stats {good.Stats}", output);
    }

    [Fact]
    public void StatisticsOfAnotherWidthAreRefusedNamingTheShapes()
    {
        // resnet20 has the module names of resnet20_narrow at twice the channels: 16 where the narrow model has 8.
        var wide = Path.Combine(_root, "wide");
        Assert.Equal(0, ProgramRunner.Run(ProgramRunner.Tiny(wide, 1, "--arch", "resnet20")).ExitCode);
        var calibrated = ProgramRunner.Run([.. ProgramRunner.Tiny(wide, 1, "--arch", "resnet20"), "--resume-from",
            Path.Combine(wide, ClassifierJob.CheckpointFileName), "--qe-calibration", "0.05"]);
        Assert.True(calibrated.ExitCode == 0, calibrated.Error);
        var stats = Path.Combine(wide, ClassifierJob.CalibrationStatsFileName);

        var (code, output, error) = Evaluate(stats);
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {stats}: the statistics do not fit the model: conv1.output has shape (", error);
        Assert.Contains(", 16, 28, 28), the model's is (N, 8, 28, 28)", error);
        Assert.DoesNotContain("Test: loss", output);
    }

    [Fact]
    public void AValueThatIsNotFiniteIsRefused()
    {
        var first = true;
        var stats = Edited("nan.yaml", text => string.Join('\n', text.Split('\n').Select(line =>
        {
            if (!first || !line.TrimStart().StartsWith("max:", StringComparison.Ordinal))
                return line;
            first = false;
            return line[..line.IndexOf("max:", StringComparison.Ordinal)] + "max: .nan";
        })));
        var (code, _, error) = Evaluate(stats);
        Assert.Equal(1, code);
        Assert.Matches(@"^error: .*nan\.yaml: the statistics do not fit the model: \S+ is not finite \(max NaN\)", error);
    }

    [Fact]
    public void StatisticsNamedByAQuantizerConfigurationAreCheckedToo()
    {
        var stats = Edited("nan.yaml", text => text.Replace("avg_max: ", "avg_max: .inf #", StringComparison.Ordinal));
        var config = Path.Combine(_root, "quantizer.yaml");
        File.WriteAllText(config, File.ReadAllText(good.Config).TrimEnd() + $"\n    model_activation_stats: {stats}\n");
        var (code, _, error) = ProgramRunner.Run([.. ProgramRunner.Tiny(Path.Combine(_root, "out"), 1), "--evaluate", "--resume-from", good.Checkpoint,
            "--quantize-eval", "--qe-config-file", config]);
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {config}: its model_activation_stats: the statistics do not fit the model: ", error);
        Assert.Contains("is not finite (avg_max inf)", error);
    }

    [Fact]
    public void MissingAndUnknownLayersAreRefusedByName()
    {
        // Drop the fc module's block (its lines up to the next top-level key) and add one for a layer the model does not have.
        var stats = Edited("edited.yaml", text => System.Text.RegularExpressions.Regex.Replace(text, @"^fc:\n(  .*\n)*", "", System.Text.RegularExpressions.RegexOptions.Multiline) +
            "layer9.conv1:\n  output:\n    min: 0\n    max: 1\n    avg_min: 0\n    avg_max: 1\n");
        var (code, _, error) = Evaluate(stats);
        Assert.Equal(1, code);
        Assert.Contains("the statistics do not fit the model: 1 module the model does not have (layer9.conv1); no statistics for 1 module of the model (fc)", error);
    }

    [Fact]
    public void AValueThatIsNotANumberIsReportedAtItsLine()
    {
        var stats = Edited("word.yaml", text => text.Replace("avg_min: ", "avg_min: low", StringComparison.Ordinal));
        var line = File.ReadAllLines(stats).ToList().FindIndex(l => l.Contains("avg_min: low", StringComparison.Ordinal)) + 1;
        var (code, _, error) = Evaluate(stats);
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {stats}({line},", error);
        Assert.Contains("'avg_min' is not a number", error);
    }
}
