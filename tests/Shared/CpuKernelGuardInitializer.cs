#pragma warning disable CA2255 // the test assembly's own initializer: it must run before the first torch call of any test

namespace Distiller.Typed.Tests.Shared;

/// <summary>
/// Applies the CPU-kernel guard when a test assembly that runs torch loads, as the generator does for users'
/// projects: a test may call torch before it touches any runtime type.
/// </summary>
internal static class CpuKernelGuardInitializer
{
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Apply() => Distiller.Typed.Platform.CpuKernelGuard.EnsureApplied();
}
