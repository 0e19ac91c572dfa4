using System.Diagnostics;

namespace Distiller.Typed.Packaging.Tests;

/// <summary>Runs the dotnet CLI as a user would, in a folder, with output captured.</summary>
internal static class Dotnet
{
    /// <summary>The configuration these tests were built in, which is the one whose outputs they pack.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static (int ExitCode, string Output) Run(string directory, string arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // The programs train a convolution: one thread, as everywhere in the tests. Their CPU kernels are chosen by the
        // guard the packages bring (src/Runtime/Platform), as for any user, so no kernel variable is set here.
        start.Environment["OMP_NUM_THREADS"] = "1";
        start.Environment.Remove("DNNL_MAX_CPU_ISA");
        start.Environment.Remove("ATEN_CPU_CAPABILITY");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(4)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {arguments} (in {directory}) did not finish in 4 minutes:\n{stdout.Result}{stderr.Result}");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>A build that leaves no compiler or MSBuild server behind, with one line per error.</summary>
    public static string Build(string project = "") =>
        $"build {project} -c Release -p:UseSharedCompilation=false -nodeReuse:false -clp:NoSummary;ForceNoAlign".Replace("  ", " ");

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Distiller.Typed.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Distiller.Typed.sln not found above " + AppContext.BaseDirectory);
    }
}
