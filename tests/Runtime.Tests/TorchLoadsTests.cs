using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests;

/// <summary>
/// The first torch call fails on Debian 12 unless build/LibTorchSharp.WeakGlibcxxVersion.targets patched the
/// copy of libLibTorchSharp.so in the output folder.
/// </summary>
public class TorchLoadsTests
{
    [Fact]
    public void CreatesATensorAndRunsAConvolution()
    {
        using var scope = NewDisposeScope();
        var input = ones(1, 1, 3, 3);
        var kernel = tensor(new float[] { 1, 0, 0, 1 }).reshape(1, 1, 2, 2);
        var output = nn.functional.conv2d(input, kernel);
        Assert.Equal(new long[] { 1, 1, 2, 2 }, output.shape);
        Assert.All(output.data<float>().ToArray(), v => Assert.Equal(2f, v));
    }

    [Fact]
    public void OutputCopyMarksGlibcxx_3_4_32WeakExactlyWhenTheSystemLacksIt()
    {
        var native = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        var systemLib = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }
            .FirstOrDefault(File.Exists);
        if (!OperatingSystem.IsLinux() || !File.Exists(native) || systemLib is null)
            return; // nothing to patch on this platform

        var systemHasVersion = System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(systemLib)).Contains("\0GLIBCXX_3.4.32\0");
        var versions = Readelf("-V", native);
        var line = versions.Split('\n').Single(l => l.Contains("Name: GLIBCXX_3.4.32"));
        Assert.Equal(!systemHasVersion, line.Contains("Flags: WEAK"));
    }

    private static string Readelf(string flags, string path)
    {
        var info = new System.Diagnostics.ProcessStartInfo("readelf", $"{flags} \"{path}\"") { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(info)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return text;
    }
}
