using System.Diagnostics;
using System.Runtime.CompilerServices;

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
        var consumer = Path.Combine(ProjectDirectory(), "Consumer");
        Directory.CreateDirectory(Path.Combine(_directory, "schedules"));
        File.Copy(Path.Combine(consumer, "AlexNet.cs"), Path.Combine(_directory, "AlexNet.cs"));
        File.Copy(Path.Combine(consumer, "Program.cs"), Path.Combine(_directory, "Program.cs"));
        File.WriteAllText(
            Path.Combine(_directory, "Consumer.csproj"),
            File.ReadAllText(Path.Combine(consumer, "Consumer.csproj.template")).Replace("$REPO$", RepositoryRoot()));
    }

    [Fact]
    public void A_misspelled_layer_fails_the_build_at_the_yaml_position_and_the_fixed_schedule_builds_and_runs()
    {
        var schedule = File.ReadAllText(Path.Combine(RepositoryRoot(), "schedules", "alexnet.schedule_agp.yaml"));
        var schedulePath = Path.Combine(_directory, "schedules", "alexnet.schedule_agp.yaml");

        // Line 13 is "      'classifier.4.weight': 0.875"; the key starts at column 7.
        var broken = schedule.Replace("'classifier.4.weight'", "'classifier.4.wieght'");
        Assert.Equal("      'classifier.4.wieght': 0.875", broken.Split('\n')[12]);
        File.WriteAllText(schedulePath, broken);

        var (failed, output) = Dotnet("build");
        Assert.NotEqual(0, failed);
        Assert.Contains(
            "schedules/alexnet.schedule_agp.yaml(13,7): error DTS101: 'classifier.4.wieght' is not a parameter of AlexNet; did you mean 'classifier.4.weight'",
            output);

        File.WriteAllText(schedulePath, schedule);
        var (built, buildOutput) = Dotnet("build");
        Assert.True(built == 0, buildOutput);
        Assert.Contains("0 Warning(s)", buildOutput);

        var (ran, runOutput) = Dotnet("run --no-build");
        Assert.True(ran == 0, runOutput);
        var lines = runOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("policy Pruners my_pruner 0 38 2", lines);
        Assert.Contains("policy LrSchedulers pruning_lr 24 200 1", lines);
        Assert.Contains("component LrSchedulers pruning_lr ExponentialLR {gamma: 0.95}", lines);
        Assert.Contains(lines, l => l.StartsWith("component Pruners my_pruner SensitivityPruner {sensitivities: {features.0.weight: 0.25,", StringComparison.Ordinal));
        Assert.Contains("parameter classifier.4.weight", lines);
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

    private static string ProjectDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    private static string RepositoryRoot() => Path.GetFullPath(Path.Combine(ProjectDirectory(), "..", ".."));
}
