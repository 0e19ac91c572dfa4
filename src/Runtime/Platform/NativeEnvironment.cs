using System.Runtime.InteropServices;

namespace Distiller.Typed.Platform;

/// <summary>
/// The C runtime's environment, which native libraries read with <c>getenv</c>. On Linux and macOS
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> changes only .NET's own copy, so a variable meant
/// for libtorch must be set here, before libtorch reads it.
/// </summary>
internal static unsafe class NativeEnvironment
{
    private static readonly IntPtr CRuntime = NativeLibrary.Load(
        OperatingSystem.IsWindows() ? "ucrtbase.dll" : OperatingSystem.IsMacOS() ? "/usr/lib/libSystem.B.dylib" : "libc.so.6");

    public static string? Get(string name)
    {
        if (OperatingSystem.IsWindows())
            return Environment.GetEnvironmentVariable(name);
        var getenv = (delegate* unmanaged<byte*, byte*>)NativeLibrary.GetExport(CRuntime, "getenv");
        fixed (byte* n = Utf8(name))
            return Marshal.PtrToStringUTF8((IntPtr)getenv(n));
    }

    public static void Set(string name, string value)
    {
        int status;
        fixed (byte* n = Utf8(name), v = Utf8(value))
        {
            status = OperatingSystem.IsWindows()
                ? ((delegate* unmanaged<byte*, byte*, int>)NativeLibrary.GetExport(CRuntime, "_putenv_s"))(n, v)
                : ((delegate* unmanaged<byte*, byte*, int, int>)NativeLibrary.GetExport(CRuntime, "setenv"))(n, v, 1);
        }
        if (status != 0)
            throw new InvalidOperationException($"Could not set {name}={value} in the native environment (C runtime error {status}).");
        Environment.SetEnvironmentVariable(name, value); // keep .NET's copy in step
    }

    private static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text + "\0");
}
