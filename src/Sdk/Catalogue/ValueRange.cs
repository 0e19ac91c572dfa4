using System.Globalization;

namespace Distiller.Typed.Catalogue;

/// <summary>
/// The numbers an argument accepts: optional lower and upper bounds, each inclusive or exclusive, e.g. a sparsity's
/// <c>[0, 1)</c> or a strength's <c>&gt;= 0</c>.
/// </summary>
public sealed record ValueRange(double? Min, bool MinInclusive, double? Max, bool MaxInclusive)
{
    /// <summary>A fraction of a tensor: <c>[0, 1)</c> (pruning everything is not a sparsity level).</summary>
    public static ValueRange Sparsity { get; } = new(0, true, 1, false);

    /// <summary><c>[0, 1]</c>.</summary>
    public static ValueRange UnitInterval { get; } = new(0, true, 1, true);

    /// <summary>A bit width: <c>[1, 32]</c>.</summary>
    public static ValueRange BitWidth { get; } = new(1, true, 32, true);

    public static ValueRange AtLeast(double min) => new(min, true, null, false);

    public static ValueRange GreaterThan(double min) => new(min, false, null, false);

    public static ValueRange Between(double min, double max) => new(min, true, max, true);

    public bool Contains(double value)
    {
        if (double.IsNaN(value))
            return false;
        if (Min is { } min && (MinInclusive ? value < min : value <= min))
            return false;
        if (Max is { } max && (MaxInclusive ? value > max : value >= max))
            return false;
        return true;
    }

    /// <summary>How messages and docs write the range: <c>in [0, 1)</c>, <c>&gt;= 0</c>, <c>&gt; 0</c>.</summary>
    public override string ToString()
    {
        if (Min is { } min && Max is { } max)
            return $"in {(MinInclusive ? "[" : "(")}{Format(min)}, {Format(max)}{(MaxInclusive ? "]" : ")")}";
        if (Min is { } lower)
            return (MinInclusive ? ">= " : "> ") + Format(lower);
        if (Max is { } upper)
            return (MaxInclusive ? "<= " : "< ") + Format(upper);
        return "any number";
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
