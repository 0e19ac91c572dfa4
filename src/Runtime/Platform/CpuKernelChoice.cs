namespace Distiller.Typed.Platform;

/// <summary>What <see cref="CpuKernelGuard"/> decided for this process, and why.</summary>
/// <param name="Cpu">The processor the decision was made for.</param>
/// <param name="Capped">True when libtorch runs its safe kernels: oneDNN capped at SSE4.1 (turned off instead when the guard
/// ran after libtorch loaded), ATen's vectorised kernels capped at AVX2.</param>
/// <param name="Reason">Why, in a sentence.</param>
/// <param name="Variables">The native environment variables the guard set (name, value); empty when it set none.</param>
/// <param name="Warnings">Problems the user should see (an unknown switch value, a guard applied after libtorch loaded).</param>
public sealed record CpuKernelChoice(
    CpuIdentity Cpu,
    bool Capped,
    string Reason,
    IReadOnlyList<KeyValuePair<string, string>> Variables,
    IReadOnlyList<string> Warnings)
{
    /// <summary>One line for a program's start: what the CPU kernels are, why, and how to change it.</summary>
    public override string ToString()
    {
        var what = Capped ? "safe (oneDNN at SSE4.1, ATen at AVX2)" : "libtorch's own choice";
        var how = Capped
            ? $"set {CpuKernelGuard.SwitchVariable}=native to use libtorch's own choice anyway"
            : $"set {CpuKernelGuard.SwitchVariable}=safe for the safe kernels";
        return $"CPU kernels: {what} ({Cpu}; {Reason}; {how})";
    }
}
