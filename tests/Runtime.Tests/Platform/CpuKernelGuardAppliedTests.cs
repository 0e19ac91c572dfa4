using Distiller.Typed.Platform;

namespace Distiller.Typed.Tests.Platform;

/// <summary>The guard reached libtorch: what it decided is what libtorch's kernel dispatch uses.</summary>
public class CpuKernelGuardAppliedTests
{
    [Fact]
    public void LibTorchDispatchesToTheKernelsTheGuardChose()
    {
        var choice = CpuKernelGuard.Choice;
        Assert.Empty(choice.Warnings); // the test assembly's initializer ran before any torch call
        var capability = CpuKernelGuard.AtenCapability();
        if (capability is null)
            return; // not reported on this platform
        if (choice.Capped && choice.Variables.Any(v => v.Key == CpuKernelGuard.AtenVariable))
            Assert.Equal("AVX2", capability);
        else if (CpuIdentity.Current.HasAvx512 && Environment.GetEnvironmentVariable(CpuKernelGuard.AtenVariable) is null)
            Assert.Equal("AVX512", capability);
    }

    [Fact]
    public void OneDnnStaysOnWhenTheGuardRanBeforeLibTorchLoaded()
    {
        // The test assembly's module initializer applies the guard before any torch call, so the SSE4.1 cap is in time
        // and oneDNN is not turned off (that is the late fallback, 6x slower on ResNet-20 evaluation).
        var enabled = LibTorchCpu.OneDnnEnabled();
        if (enabled is null)
            return; // not exported by this libtorch
        Assert.Empty(CpuKernelGuard.Choice.Warnings);
        Assert.True(enabled.Value);
    }

    [Fact]
    public void TheCRuntimeEnvironmentHoldsWhatTheGuardSet()
    {
        if (!OperatingSystem.IsLinux())
            return;
        foreach (var (name, value) in CpuKernelGuard.Choice.Variables)
            Assert.Equal(value, System.Runtime.InteropServices.Marshal.PtrToStringUTF8(getenv(name)));
    }

    [System.Runtime.InteropServices.DllImport("libc.so.6")]
    private static extern IntPtr getenv([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string name);
}
