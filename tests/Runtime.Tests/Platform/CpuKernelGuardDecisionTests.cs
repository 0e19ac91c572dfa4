using Distiller.Typed.Platform;

namespace Distiller.Typed.Tests.Platform;

/// <summary>The guard's decision from a processor and an environment (oneDNN convolutions return NaN or wrong values on AMD family 26).</summary>
public class CpuKernelGuardDecisionTests
{
    private static readonly CpuIdentity Zen5 = new(CpuIdentity.Amd, 26, 2, HasAvx512: true);
    private static readonly CpuIdentity Zen4 = new(CpuIdentity.Amd, 25, 17, HasAvx512: true);
    private static readonly CpuIdentity SapphireRapids = new(CpuIdentity.Intel, 6, 143, HasAvx512: true);
    private static readonly CpuIdentity Zen5WithoutAvx512 = new(CpuIdentity.Amd, 26, 2, HasAvx512: false);
    private static readonly CpuIdentity Arm = new("", 0, 0, HasAvx512: false);

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Zen5WithAvx512GetsTheSafeKernels()
    {
        var choice = CpuKernelGuard.Decide(Zen5, Env());
        Assert.True(choice.Capped);
        Assert.Equal(
            [new("ATEN_CPU_CAPABILITY", "avx2"), new("DNNL_MAX_CPU_ISA", "SSE41")],
            choice.Variables);
        Assert.Empty(choice.Warnings);
        Assert.Contains("DISTILLER_TYPED_CPU_KERNELS=native", choice.ToString());
    }

    [Theory]
    [MemberData(nameof(UnaffectedProcessors))]
    public void OtherProcessorsKeepLibTorchsOwnChoice(CpuIdentity cpu)
    {
        var choice = CpuKernelGuard.Decide(cpu, Env());
        Assert.False(choice.Capped);
        Assert.Empty(choice.Variables);
        Assert.Contains("DISTILLER_TYPED_CPU_KERNELS=safe", choice.ToString());
    }

    public static TheoryData<CpuIdentity> UnaffectedProcessors() => [Zen4, SapphireRapids, Zen5WithoutAvx512, Arm];

    [Fact]
    public void NativeOptsOutOnAnAffectedProcessor()
    {
        var choice = CpuKernelGuard.Decide(Zen5, Env(("DISTILLER_TYPED_CPU_KERNELS", "native")));
        Assert.False(choice.Capped);
        Assert.Empty(choice.Variables);
    }

    [Fact]
    public void SafeCapsOnAnyProcessor()
    {
        var choice = CpuKernelGuard.Decide(SapphireRapids, Env(("DISTILLER_TYPED_CPU_KERNELS", " Safe ")));
        Assert.True(choice.Capped);
        Assert.Equal(2, choice.Variables.Count);
    }

    [Fact]
    public void AVariableTheUserSetIsKept()
    {
        var choice = CpuKernelGuard.Decide(Zen5, Env(("ATEN_CPU_CAPABILITY", "default")));
        Assert.True(choice.Capped);
        Assert.Equal([new("DNNL_MAX_CPU_ISA", "SSE41")], choice.Variables);
        Assert.Contains("ATEN_CPU_CAPABILITY=default kept as given", choice.Reason);
    }

    [Fact]
    public void AnUnknownSwitchValueIsAWarningNamingTheValidOnes()
    {
        var choice = CpuKernelGuard.Decide(Zen5, Env(("DISTILLER_TYPED_CPU_KERNELS", "off")));
        Assert.True(choice.Capped);
        var warning = Assert.Single(choice.Warnings);
        Assert.Equal("DISTILLER_TYPED_CPU_KERNELS='off' is not one of auto, safe, native; using auto.", warning);
    }
}
