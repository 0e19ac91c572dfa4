using System.Globalization;

namespace Distiller.Typed.Sensitivity;

/// <summary>
/// The sparsity levels of a sensitivity analysis, Distiller's <c>np.arange(start, end, step)</c> from
/// <c>--sense-range START END STEP</c> (default 0.0 0.95 0.05: the 19 levels 0.00, 0.05, …, 0.90; END is not
/// included, also where numpy's float rounding would include it, as in arange(0.1, 0.4, 0.1)). Level i is <c>start + i × step</c>, rounded to 12 decimals so that 0.15 is written as 0.15.
/// </summary>
public sealed record SensitivityRange(double Start, double End, double Step)
{
    public const string Option = "--sense-range";

    /// <summary>Distiller's default range.</summary>
    public static SensitivityRange Default { get; } = new(0.0, 0.95, 0.05);

    /// <summary>
    /// The levels, after checking the range: STEP &gt; 0, START in [0, 1], END &gt; START, and every level a fraction of
    /// the weights, at most 1. A bad range is an <see cref="ArgumentException"/> naming <see cref="Option"/>.
    /// </summary>
    public IReadOnlyList<double> Levels()
    {
        string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var given = $"{Option} {Format(Start)} {Format(End)} {Format(Step)}";
        if (!double.IsFinite(Start) || !double.IsFinite(End) || !double.IsFinite(Step))
            throw new ArgumentException($"{given}: START, END and STEP must be finite numbers.");
        if (Step <= 0)
            throw new ArgumentException($"{given}: STEP must be greater than 0 (levels are START, START+STEP, ... below END).");
        if (Start < 0 || Start > 1)
            throw new ArgumentException($"{given}: START must be in [0, 1] (a level is the fraction of a weight tensor to prune).");
        if (End <= Start)
            throw new ArgumentException($"{given}: END must be greater than START (END itself is not tested, as in numpy.arange).");
        // numpy's ceil((end - start) / step) gives 4 levels for (0.1, 0.4, 0.1), END included by float rounding; the
        // tolerance keeps END out as documented.
        var count = (int)Math.Ceiling((End - Start) / Step - 1e-9);
        var levels = Enumerable.Range(0, count).Select(i => Math.Round(Start + i * Step, 12)).ToArray();
        if (levels[^1] > 1)
            throw new ArgumentException(
                $"{given}: the levels reach {Format(levels[^1])}; every level is a fraction of the weights to prune and must be at most 1 (lower END).");
        return levels;
    }
}
