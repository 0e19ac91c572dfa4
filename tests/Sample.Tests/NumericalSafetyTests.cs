using System.Diagnostics;
using Distiller.Typed.Samples.ResNetPrune.Training;

namespace Distiller.Typed.Sample.Tests;

/// <summary>The program never reports a result computed from NaN, says which CPU kernels it uses, and keeps libtorch quiet.</summary>
public sealed class NumericalSafetyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("resnetprune-nan-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ADivergingRunStopsWithAnErrorAndPrintsNoResult()
    {
        var (code, output, error) = ProgramRunner.Run(ProgramRunner.Tiny(Path.Combine(_root, "diverge"), 2, "--lr", "1e30"));
        Assert.Equal(1, code);
        Assert.Matches(@"^error: The training loss became (NaN|\+infinity|-infinity) at epoch 1, minibatch [23];", error);
        Assert.Contains("No checkpoint was saved before it.", error);
        Assert.Contains("learning rate", error);
        Assert.DoesNotContain("Dense model", output);
        Assert.DoesNotContain("top-1", output);
    }

    [Fact]
    public void TheDefaultJobStopsWhenTheDenseModelDidNotLearn()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = DefaultJob.Run(output, Path.Combine(_root, "default"), maxBatches: 1, denseEpochs: 1, compressEpochs: 1, error: error);
        Assert.Equal(1, code);
        Assert.Matches(@"^error: the dense model reached only \d+\.\d\d% top-1 \(chance is 10%, the job expects at least 50%\)", error.ToString());
        Assert.DoesNotContain("Default job, step 2 of 2", output.ToString());
        Assert.DoesNotContain("dense vs compressed", output.ToString());
    }

    /// <summary>
    /// As a user runs it: a separate process, so the CPU-kernel guard runs from the program's own module initializer
    /// and libtorch's native standard error is seen. <c>--summary compute</c> runs single-image convolutions, for
    /// which libtorch asks NNPACK (and, where NNPACK does not support the processor, logged a warning per call).
    /// </summary>
    [Fact]
    public async Task TheProgramSaysWhichCpuKernelsItUsesOnceAndLibTorchStaysQuiet()
    {
        var program = Path.Combine(AppContext.BaseDirectory, "ResNetPrune.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _root };
        foreach (var arg in new[] { program, "--summary", "compute" })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stderrRead = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await stderrRead;
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, stderr);
        Assert.Equal("", stderr);
        var lines = stdout.Split('\n');
        Assert.StartsWith("CPU kernels: ", lines[0]);
        Assert.Single(lines, l => l.StartsWith("CPU kernels:", StringComparison.Ordinal));
        Assert.Contains("| Conv2d", stdout);
    }
}
