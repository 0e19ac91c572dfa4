using System.Runtime.Intrinsics.X86;
using System.Text;

namespace Distiller.Typed.Platform;

/// <summary>
/// What the kernel guard needs to know about the processor: its CPUID vendor and family (base family plus extended
/// family, as AMD and Intel define them) and whether it has AVX-512F. Other architectures read as vendor "".
/// </summary>
public sealed record CpuIdentity(string Vendor, int Family, int Model, bool HasAvx512)
{
    public const string Amd = "AuthenticAMD";
    public const string Intel = "GenuineIntel";

    /// <summary>The processor this process runs on.</summary>
    public static CpuIdentity Current { get; } = Read();

    public bool IsAmd => Vendor == Amd;

    public override string ToString() => Vendor.Length == 0
        ? $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture} processor"
        : $"{(IsAmd ? "AMD" : Vendor == Intel ? "Intel" : Vendor)} family {Family} model {Model}{(HasAvx512 ? " with AVX-512" : "")}";

    private static CpuIdentity Read()
    {
        if (!X86Base.IsSupported)
            return new CpuIdentity("", 0, 0, false);
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        var vendor = new byte[12];
        BitConverter.TryWriteBytes(vendor.AsSpan(0, 4), ebx);
        BitConverter.TryWriteBytes(vendor.AsSpan(4, 4), edx);
        BitConverter.TryWriteBytes(vendor.AsSpan(8, 4), ecx);
        var (signature, _, _, _) = X86Base.CpuId(1, 0);
        var baseFamily = (signature >> 8) & 0xF;
        var family = baseFamily == 0xF ? baseFamily + ((signature >> 20) & 0xFF) : baseFamily;
        var model = (signature >> 4) & 0xF;
        if (baseFamily is 0x6 or 0xF)
            model |= ((signature >> 16) & 0xF) << 4;
        return new CpuIdentity(Encoding.ASCII.GetString(vendor), family, model, Avx512F.IsSupported);
    }
}
