namespace Distiller.Typed.Quantization;

/// <summary>
/// Distiller's <c>LinearQuantMode</c>: how a float range maps onto integers.
/// <c>sym</c> uses [-max|x|, max|x|] with zero point 0; <c>sym_restr</c> the same on [-(2^(b-1)-1), 2^(b-1)-1];
/// <c>asym_u</c> maps [min, max] onto [0, 2^b-1]; <c>asym_s</c> onto [-2^(b-1), 2^(b-1)-1].
/// </summary>
public enum LinearQuantMode
{
    Symmetric = 1,
    SymmetricRestricted = 2,
    AsymmetricUnsigned = 3,
    AsymmetricSigned = 4,
}

/// <summary>The quantization modes of a module's activations and of its weights (Distiller's <c>ModuleQuantMode</c>).</summary>
public sealed record ModuleQuantMode(LinearQuantMode Activations, LinearQuantMode Weights)
{
    public ModuleQuantMode(LinearQuantMode both) : this(both, both) { }
}

/// <summary>Names and parsing of <see cref="LinearQuantMode"/> as the schedule and the command line spell them.</summary>
public static class LinearQuantModes
{
    /// <summary>The command-line names (<c>sym</c>, <c>sym_restr</c>, <c>asym_s</c>, <c>asym_u</c>).</summary>
    public static readonly IReadOnlyDictionary<string, LinearQuantMode> ShortNames = new Dictionary<string, LinearQuantMode>
    {
        ["sym"] = LinearQuantMode.Symmetric,
        ["sym_restr"] = LinearQuantMode.SymmetricRestricted,
        ["asym_s"] = LinearQuantMode.AsymmetricSigned,
        ["asym_u"] = LinearQuantMode.AsymmetricUnsigned,
    };

    /// <summary>The schedule names (Distiller's enum member names).</summary>
    public static readonly IReadOnlyDictionary<string, LinearQuantMode> EnumNames = new Dictionary<string, LinearQuantMode>
    {
        ["SYMMETRIC"] = LinearQuantMode.Symmetric,
        ["SYMMETRIC_RESTRICTED"] = LinearQuantMode.SymmetricRestricted,
        ["ASYMMETRIC_SIGNED"] = LinearQuantMode.AsymmetricSigned,
        ["ASYMMETRIC_UNSIGNED"] = LinearQuantMode.AsymmetricUnsigned,
    };

    public static bool IsSymmetric(this LinearQuantMode mode) =>
        mode is LinearQuantMode.Symmetric or LinearQuantMode.SymmetricRestricted;

    /// <summary>Parses either spelling (<c>sym</c> or <c>SYMMETRIC</c>); <paramref name="parameter"/> names the argument in errors.</summary>
    public static LinearQuantMode Parse(string value, string parameter)
    {
        if (ShortNames.TryGetValue(value, out var m) || EnumNames.TryGetValue(value, out m))
            return m;
        throw new ArgumentException(
            $"'{value}' is not a linear quantization mode; valid: {string.Join(", ", ShortNames.Keys.Concat(EnumNames.Keys))}.",
            parameter);
    }
}
