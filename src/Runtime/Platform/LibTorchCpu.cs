using System.Runtime.InteropServices;
using TorchSharp;

namespace Distiller.Typed.Platform;

/// <summary>
/// The few switches of libtorch's CPU library that TorchSharp does not expose, reached through the C++ symbols
/// libtorch_cpu exports (<c>at::globalContext()</c>, <c>at::Context::setUserEnabledNNPACK</c>,
/// <c>at::Context::setUserEnabledMkldnn</c>, <c>at::get_cpu_capability()</c>). Where a symbol cannot be found (another platform, another libtorch) the switch
/// is reported as unavailable, never guessed.
/// </summary>
internal static unsafe class LibTorchCpu
{
    private static readonly string LibraryName =
        OperatingSystem.IsWindows() ? "torch_cpu.dll" : OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so";

    // Itanium C++ ABI (Linux, macOS); MSVC on Windows.
    private static readonly string GlobalContextSymbol = OperatingSystem.IsWindows() ? "?globalContext@at@@YAAEAVContext@1@XZ" : "_ZN2at13globalContextEv";
    private static readonly string SetNnpackSymbol = OperatingSystem.IsWindows() ? "?setUserEnabledNNPACK@Context@at@@QEAAX_N@Z" : "_ZN2at7Context20setUserEnabledNNPACKEb";
    private static readonly string SetMkldnnSymbol = OperatingSystem.IsWindows() ? "?setUserEnabledMkldnn@Context@at@@QEAAX_N@Z" : "_ZN2at7Context20setUserEnabledMkldnnEb";
    private static readonly string MkldnnEnabledSymbol = OperatingSystem.IsWindows() ? "?userEnabledMkldnn@Context@at@@QEBA_NXZ" : "_ZNK2at7Context17userEnabledMkldnnEv";
    private const string CpuCapabilitySymbol = "_ZN2at18get_cpu_capabilityB5cxx11Ev";

    /// <summary>True when libtorch_cpu is already mapped into this process (Linux; false where it cannot be told).</summary>
    public static bool IsLoaded()
    {
        const string maps = "/proc/self/maps";
        return OperatingSystem.IsLinux() && File.Exists(maps)
            && File.ReadLines(maps).Any(line => line.EndsWith("/" + LibraryName, StringComparison.Ordinal));
    }

    /// <summary>
    /// Turns NNPACK off (<c>torch.backends.nnpack.set_flags(False)</c>). On processors NNPACK does not support,
    /// libtorch otherwise probes it before every eligible convolution and logs "Could not initialize NNPACK! Reason:
    /// Unsupported hardware." each time; where NNPACK works, libtorch's other CPU kernels do the same job.
    /// Returns false when the switch is not available.
    /// </summary>
    public static bool DisableNnpack() => TrySetFlag(SetNnpackSymbol, false);

    /// <summary>
    /// Turns oneDNN (MKL-DNN) off for the operations that would use it, convolutions above all
    /// (<c>torch.backends.mkldnn.enabled = False</c>): libtorch then runs ATen's own kernels. Unlike the kernel-set
    /// variables this takes effect at any time, for every later call. Returns false when the switch is not available.
    /// </summary>
    public static bool DisableOneDnn() => TrySetFlag(SetMkldnnSymbol, false);

    /// <summary>Whether libtorch may use oneDNN (<c>torch.backends.mkldnn.enabled</c>); null where it cannot be asked.</summary>
    public static bool? OneDnnEnabled()
    {
        if (!TryGetExport(GlobalContextSymbol, out var globalContext) || !TryGetExport(MkldnnEnabledSymbol, out var enabled))
            return null;
        var context = ((delegate* unmanaged<IntPtr>)globalContext)();
        return ((delegate* unmanaged<IntPtr, byte>)enabled)(context) != 0;
    }

    private static bool TrySetFlag(string setterSymbol, bool enabled)
    {
        try
        {
            if (!TryGetExport(GlobalContextSymbol, out var globalContext) || !TryGetExport(setterSymbol, out var setter))
                return false;
            var context = ((delegate* unmanaged<IntPtr>)globalContext)();
            ((delegate* unmanaged<IntPtr, byte, void>)setter)(context, enabled ? (byte)1 : (byte)0);
            return true;
        }
        catch (Exception) // whatever stops TorchSharp loading here, its own first call reports it with context
        {
            return false;
        }
    }

    /// <summary>
    /// The kernel set ATen dispatches to (<c>torch.backends.cpu.get_cpu_capability()</c>: "DEFAULT", "AVX2",
    /// "AVX512", …), or null where it cannot be asked (only Linux x64 with libstdc++'s string layout is read).
    /// Asking fixes the choice, so ask only after <see cref="CpuKernelGuard.EnsureApplied"/>.
    /// </summary>
    public static string? CpuCapability()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64 || !TryGetExport(CpuCapabilitySymbol, out var function))
            return null;
        // std::string (C++11 ABI) returned through a hidden pointer: { char* data; size_t size; char local[16] }.
        var result = stackalloc byte[32];
        ((delegate* unmanaged<byte*, byte*>)function)(result);
        var data = *(byte**)result;
        var size = *(ulong*)(result + 8);
        var text = size <= 64 ? Marshal.PtrToStringUTF8((IntPtr)data, (int)size) : null;
        // Capability names fit the 15-byte local buffer; a heap string (never seen) is left to leak rather than freed
        // with an allocator that may not be the one that made it.
        return text;
    }

    private static bool TryGetExport(string symbol, out IntPtr address)
    {
        address = IntPtr.Zero;
        torch.InitializeDeviceType(DeviceType.CPU); // TorchSharp loads libtorch_cpu from its own runtimes folder
        return NativeLibrary.TryLoad(LibraryName, out var library) && NativeLibrary.TryGetExport(library, symbol, out address);
    }
}
