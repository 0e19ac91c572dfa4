using System.Runtime.CompilerServices;

namespace Distiller.Typed.Platform;

/// <summary>
/// Makes libtorch's CPU backend numerically safe before libtorch picks its kernels.
/// <para>
/// On AMD family 26 processors (Zen 5) with AVX-512, libtorch 2.10's oneDNN 3.7.1 convolutions return NaN or plainly
/// wrong values, and not only in its AVX-512 kernels: measured against float64 (forward, input and weight gradients),
/// 8→8 channels at 28×28, batch 128, was wrong or NaN in 29 of 40 iterations with libtorch's own choice (AVX-512), and
/// 12→16 channels at 4×4, batch 16, was 43 % off in 40 of 40 iterations with oneDNN capped at AVX2. oneDNN capped at
/// SSE4.1 and ATen's own convolutions (oneDNN off) were right on every shape tried, but ATen's are far slower on
/// ResNet-20 (a training step 1.55 s against 0.65 s, an evaluation pass 6× slower). So the guard caps oneDNN at SSE4.1
/// (<c>DNNL_MAX_CPU_ISA=SSE41</c>) and ATen's vectorised kernels at AVX2 (<c>ATEN_CPU_CAPABILITY=avx2</c>). The two
/// variables are
/// read by libtorch from the C runtime's environment the first time it dispatches a kernel, so the guard sets them
/// there (not through <see cref="Environment.SetEnvironmentVariable(string, string)"/>, which on Linux libtorch never
/// sees) and must run before the first torch operation: the runtime assembly and every project the generator runs in
/// call <see cref="EnsureApplied"/> from a module initializer. If libtorch was loaded before the guard ran, the cap may
/// come too late, so the guard then turns oneDNN off as well (<see cref="LibTorchCpu.DisableOneDnn"/>, which works
/// whenever it is set): slower, but right.
/// </para>
/// <para>
/// <c>DISTILLER_TYPED_CPU_KERNELS</c> chooses: <c>auto</c> (default: safe kernels on the processors known to need
/// them), <c>safe</c> (on any processor) or <c>native</c> (libtorch's own choice). A value the user already gave either
/// libtorch variable is kept. The guard also turns NNPACK off (<see cref="LibTorchCpu.DisableNnpack"/>) so that
/// processors NNPACK does not support are not told so before every convolution.
/// </para>
/// </summary>
public static class CpuKernelGuard
{
    public const string SwitchVariable = "DISTILLER_TYPED_CPU_KERNELS";
    public const string AtenVariable = "ATEN_CPU_CAPABILITY";
    public const string OneDnnVariable = "DNNL_MAX_CPU_ISA";

    private static readonly object Gate = new();
    private static CpuKernelChoice? _applied;

    /// <summary>The decision in force, applying it first if no one has yet.</summary>
    public static CpuKernelChoice Choice => EnsureApplied();

    /// <summary>
    /// The kernel set ATen dispatches to ("AVX2", "AVX512", "DEFAULT", …), as libtorch reports it; null where it
    /// cannot be asked (only Linux x64 is). Applies the guard first, since asking fixes the choice.
    /// </summary>
    public static string? AtenCapability()
    {
        EnsureApplied();
        return LibTorchCpu.CpuCapability();
    }

    /// <summary>
    /// Whether libtorch may use oneDNN (<c>torch.backends.mkldnn.enabled</c>): true unless the guard had to turn it off;
    /// null where it cannot be asked. Applies the guard first.
    /// </summary>
    public static bool? OneDnnEnabled()
    {
        EnsureApplied();
        return LibTorchCpu.OneDnnEnabled();
    }

    /// <summary>
    /// Decides and applies once per process (later calls return the first decision). Call it before the first torch
    /// operation; a decision to cap made after libtorch was loaded carries a warning, since it may come too late.
    /// </summary>
    public static CpuKernelChoice EnsureApplied()
    {
        lock (Gate)
        {
            if (_applied is not null)
                return _applied;
            var loadedBefore = LibTorchCpu.IsLoaded();
            var choice = Decide(CpuIdentity.Current, NativeEnvironment.Get);
            foreach (var (name, value) in choice.Variables)
                NativeEnvironment.Set(name, value);
            if (loadedBefore && choice.Variables.Count > 0)
                choice = choice with
                {
                    Warnings = [.. choice.Warnings,
                        $"libtorch was loaded before Distiller.Typed's CPU-kernel guard ran, so it may already have chosen its kernel sets; " +
                        $"oneDNN is turned off instead (right, but slower). Call {nameof(CpuKernelGuard)}.{nameof(EnsureApplied)}() before the first torch call, or start " +
                        $"the program with {AtenVariable}=avx2 {OneDnnVariable}=SSE41 in its environment."],
                };
            if (choice.Capped && loadedBefore && !LibTorchCpu.DisableOneDnn())
                choice = choice with
                {
                    Warnings = [.. choice.Warnings,
                        "this libtorch does not export at::Context::setUserEnabledMkldnn, so oneDNN could not be turned off either; " +
                        "run the convolution self-check of docs/cpu-kernels.md."],
                };
            LibTorchCpu.DisableNnpack();
            foreach (var warning in choice.Warnings)
                Console.Error.WriteLine($"warning: {warning}");
            return _applied = choice;
        }
    }

    /// <summary>The decision, from the processor and the environment alone (nothing is changed).</summary>
    public static CpuKernelChoice Decide(CpuIdentity cpu, Func<string, string?> environment)
    {
        var warnings = new List<string>();
        var mode = environment(SwitchVariable)?.Trim().ToLowerInvariant();
        if (mode is "" or null)
            mode = "auto";
        if (mode is not ("auto" or "safe" or "native"))
        {
            warnings.Add($"{SwitchVariable}='{environment(SwitchVariable)}' is not one of auto, safe, native; using auto.");
            mode = "auto";
        }

        string reason;
        bool cap;
        if (mode == "native")
            (cap, reason) = (false, $"{SwitchVariable}=native");
        else if (mode == "safe")
            (cap, reason) = (true, $"{SwitchVariable}=safe");
        else if (NeedsCap(cpu))
            (cap, reason) = (true, "libtorch 2.10's oneDNN convolutions return NaN or wrong values on AMD family 26 (Zen 5)");
        else
            (cap, reason) = (false, cpu.HasAvx512 ? "no known kernel fault on this processor" : "no AVX-512 kernels to avoid");

        var variables = new List<KeyValuePair<string, string>>();
        if (cap)
        {
            foreach (var (name, value) in new[] { (AtenVariable, "avx2"), (OneDnnVariable, "SSE41") })
            {
                if (environment(name) is { Length: > 0 } given)
                    reason += $"; {name}={given} kept as given";
                else
                    variables.Add(new(name, value));
            }
        }
        return new CpuKernelChoice(cpu, cap, reason, variables, warnings);
    }

    /// <summary>AMD Zen 5 and later with AVX-512: the processors on which libtorch 2.10's oneDNN convolutions were seen to fail.</summary>
    public static bool NeedsCap(CpuIdentity cpu) => cpu.IsAmd && cpu.Family >= 0x1A && cpu.HasAvx512;

#pragma warning disable CA2255 // a library module initializer, deliberately: it must run before the first torch call
    [ModuleInitializer]
    internal static void ApplyOnLoad() => EnsureApplied();
#pragma warning restore CA2255
}
