using System.Diagnostics;

namespace Distiller.Typed.EndToEnd.Tests;

/// <summary>
/// The user's promise end to end: a project that imports the SDK props gets its schedules/*.yaml checked by
/// <c>dotnet build</c>, with the error at the YAML line and column; once fixed, it builds and the generated builder runs.
/// </summary>
public sealed class ConsumerBuildTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "distiller-e2e-" + Guid.NewGuid().ToString("N"));

    public ConsumerBuildTests()
    {
        var consumer = Path.Combine(RepositoryRoot(), "tests", "EndToEnd.Tests", "Consumer");
        Directory.CreateDirectory(Path.Combine(_directory, "schedules"));
        // The same TorchSharp-style ResNet20 the snapshot tests analyse.
        File.Copy(Path.Combine(RepositoryRoot(), "tests", "Snapshot", "TestModels", "ResNet20.cs"), Path.Combine(_directory, "ResNet20.cs"));
        File.Copy(Path.Combine(consumer, "Program.cs"), Path.Combine(_directory, "Program.cs"));
        File.Copy(Path.Combine(consumer, "Styles.cs"), Path.Combine(_directory, "Styles.cs"));
        File.Copy(Path.Combine(consumer, "styles.schedule_agp.yaml"), Path.Combine(_directory, "schedules", "styles.schedule_agp.yaml"));
        File.WriteAllText(
            Path.Combine(_directory, "Consumer.csproj"),
            File.ReadAllText(Path.Combine(consumer, "Consumer.csproj.template")).Replace("$REPO$", RepositoryRoot()));
    }

    [Fact]
    public void A_misspelled_layer_fails_the_build_at_the_yaml_position_and_the_fixed_schedule_builds_and_runs()
    {
        var schedule = File.ReadAllText(Path.Combine(RepositoryRoot(), "tests", "EndToEnd.Tests", "Consumer", "resnet20.schedule_agp.yaml"));
        var schedulePath = Path.Combine(_directory, "schedules", "resnet20.schedule_agp.yaml");

        // Line 10 is "      - layer2.1.conv2.weight"; the name starts at column 9.
        var broken = schedule.Replace("layer2.1.conv2.weight", "layer2.1.conv2.wieght");
        Assert.Equal("      - layer2.1.conv2.wieght", broken.Split('\n')[9]);
        File.WriteAllText(schedulePath, broken);

        var (failed, output) = Dotnet("build");
        Assert.NotEqual(0, failed);
        Assert.Contains(
            "schedules/resnet20.schedule_agp.yaml(10,9): error DTS101: 'layer2.1.conv2.wieght' is not a parameter of ResNet20; did you mean 'layer2.1.conv2.weight'",
            output);

        File.WriteAllText(schedulePath, schedule);
        var (built, buildOutput) = Dotnet("build");
        Assert.True(built == 0, buildOutput);
        Assert.Contains("0 Warning(s)", buildOutput);

        var (ran, runOutput) = Dotnet("run --no-build");
        Assert.True(ran == 0, runOutput);
        var lines = runOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("path schedules/resnet20.schedule_agp.yaml", lines);
        Assert.Contains("policy Pruners conv_pruner 0 30 2", lines);
        Assert.Contains("policy LrSchedulers decay 0 100 1", lines);
        Assert.Contains("component LrSchedulers decay ExponentialLR {gamma: 0.9}", lines);

        // The edited option and the DataParallel name normalised at compile time.
        Assert.Contains(
            "component Pruners conv_pruner AutomatedGradualPruner {initial_sparsity: 0.05, final_sparsity: 0.6, weights: ['layer1.0.conv1.weight', 'layer2.1.conv2.weight', 'layer3.2.conv1.weight']}",
            lines);
        Assert.Contains("parameter layer2.1.conv2.weight", lines);

        // The generated Build runs on the model and gives the runtime's scheduler with both policies.
        Assert.Contains("scheduled PruningPolicy epochs 0..30 (exclusive) every 2", lines);
        Assert.Contains("scheduled LRPolicy epochs 0..100 (exclusive) every 1", lines);

        // The styles model (tuple deconstruction, ??=, an out helper, register_module on a field, a virtual factory
        // overridden in the model): its schedule compiled with no finding (0 warnings above, no error) and builds.
        Assert.DoesNotContain(buildOutput.Split('\n'), l => l.Contains("styles.schedule_agp.yaml", StringComparison.Ordinal) && l.Contains(" DTS", StringComparison.Ordinal));
        Assert.Contains(
            "styles built 1 policy; names conv1.weight,fc.weight,extra.weight,stem.weight,block.fc.weight,block.gate.weight,head.0.weight,head.2.weight",
            lines);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private (int ExitCode, string Output) Dotnet(string arguments)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var extra = arguments.StartsWith("build", StringComparison.Ordinal)
            ? $" -c {configuration} -p:BuildProjectReferences=false -p:UseSharedCompilation=false -nodeReuse:false -clp:NoSummary;ForceNoAlign"
            : $" -c {configuration}";
        var start = new ProcessStartInfo("dotnet", arguments + extra)
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {arguments} did not finish in 3 minutes:\n{stdout.Result}");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Walks up from the test assembly ([CallerFilePath] is mapped in CI builds, so it cannot be used).</summary>
    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Distiller.Typed.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Distiller.Typed.sln not found above " + AppContext.BaseDirectory);
    }
}
