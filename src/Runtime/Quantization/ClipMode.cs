namespace Distiller.Typed.Quantization;

/// <summary>
/// How the float range of an activation is chosen (Distiller's <c>ClipMode</c>): <c>none</c> = absolute min/max;
/// <c>avg</c> = min/max averaged over the samples of a batch; <c>n_std</c> = mean ± n standard deviations;
/// <c>gauss</c> / <c>laplace</c> = ACIQ's analytical clipping for a Gaussian / Laplace distribution
/// (Banner et al., https://arxiv.org/abs/1810.05723).
/// </summary>
public enum ClipMode
{
    None = 0,
    Avg = 1,
    NStd = 2,
    Gauss = 3,
    Laplace = 4,
}

public static class ClipModes
{
    public static readonly IReadOnlyDictionary<string, ClipMode> Names = new Dictionary<string, ClipMode>(StringComparer.OrdinalIgnoreCase)
    {
        ["none"] = ClipMode.None,
        ["avg"] = ClipMode.Avg,
        ["n_std"] = ClipMode.NStd,
        ["gauss"] = ClipMode.Gauss,
        ["laplace"] = ClipMode.Laplace,
    };

    /// <summary>Parses <c>none</c>/<c>avg</c>/<c>n_std</c>/<c>gauss</c>/<c>laplace</c> in any case (the schedule writes <c>AVG</c>, the command line <c>avg</c>).</summary>
    public static ClipMode Parse(string value, string parameter) =>
        Names.TryGetValue(value, out var m) ? m
            : throw new ArgumentException($"'{value}' is not a clip mode; valid: {string.Join(", ", Names.Keys)}.", parameter);
}
