using System.Globalization;
using System.Text;

namespace Distiller.Typed.Sensitivity;

/// <summary>The pruner a schedule written from a sensitivity analysis uses.</summary>
public enum SchedulePruner
{
    /// <summary>Automated gradual pruning to each weight's level (<c>AutomatedGradualPruner</c>, or
    /// <c>L1RankedStructureParameterPruner_AGP</c> for a filter or channel analysis).</summary>
    Agp,
    /// <summary><c>SensitivityPruner</c>: threshold s·σ, with s chosen so that a normal distribution loses the level.</summary>
    Sensitivity,
}

/// <summary>How to write the schedule: the accuracy budget, the pruner, and when its policy runs.</summary>
public sealed record SensitivityScheduleOptions
{
    /// <summary>Top-1 percentage points a weight may cost: levels with top-1 ≥ dense top-1 − budget are kept.</summary>
    public required double Budget { get; init; }
    public SchedulePruner Pruner { get; init; } = SchedulePruner.Agp;
    /// <summary>What the analysis pruned (the CSV does not say): decides the AGP class and its group_type.</summary>
    public SensitivityGroup Group { get; init; } = SensitivityGroup.Element;
    public int StartingEpoch { get; init; }
    public int EndingEpoch { get; init; } = 10;
    public int Frequency { get; init; } = 1;
    /// <summary>AGP's initial_sparsity (Distiller's examples use 0.05); a weight whose level is at or under it starts at 0.</summary>
    public double InitialSparsity { get; init; } = 0.05;
}

/// <summary>
/// Turns a sensitivity analysis into a Distiller schedule: for each weight, the highest level whose top-1 stays
/// within <see cref="SensitivityScheduleOptions.Budget"/> of the dense top-1 (the rows at sparsity 0), walking up
/// from 0 and stopping at the first level over the budget, so a noisy recovery past a drop is not trusted. Weights
/// whose first level above 0 already breaks the budget are left out.
/// </summary>
public static class SensitivitySchedule
{
    /// <summary>The dense model's top-1: the rows at sparsity 0 (every weight's first row in Distiller's default range).</summary>
    public static double DenseTop1(IReadOnlyList<SensitivityPoint> points, string source) =>
        points.FirstOrDefault(p => p.Sparsity == 0) is { } dense
            ? dense.Top1
            : throw new InvalidDataException(
                $"{source}: no row at sparsity 0, so the dense model's top-1 is unknown; run the analysis with --sense-range starting at 0.");

    /// <summary>Each weight's chosen level, in the CSV's order (0 where no level above 0 fits the budget).</summary>
    public static IReadOnlyList<(string Parameter, double Level)> ChooseLevels(IReadOnlyList<SensitivityPoint> points, double budget, string source)
    {
        if (!(budget >= 0) || !double.IsFinite(budget))
            throw new ArgumentException($"The accuracy-loss budget must be a number of top-1 percentage points >= 0; got {budget}.");
        var floor = DenseTop1(points, source) - budget - 1e-9; // the CSV's decimals must not decide a tie
        var chosen = new List<(string, double)>();
        foreach (var group in points.GroupBy(p => p.Parameter, StringComparer.Ordinal))
        {
            var level = 0.0;
            foreach (var point in group.OrderBy(p => p.Sparsity))
            {
                if (point.Top1 < floor)
                    break;
                level = point.Sparsity;
            }
            chosen.Add((group.Key, level));
        }
        return chosen;
    }

    /// <summary>The schedule's YAML text (Distiller's format).</summary>
    public static string Write(IReadOnlyList<SensitivityPoint> points, SensitivityScheduleOptions options, string source)
    {
        if (options.Pruner == SchedulePruner.Sensitivity && options.Group != SensitivityGroup.Element)
            throw new ArgumentException(
                $"SensitivityPruner prunes single weights; a {options.Group.Name()} analysis gives an AGP schedule (--pruner agp).");
        if (options.StartingEpoch < 0 || options.EndingEpoch <= options.StartingEpoch || options.Frequency < 1)
            throw new ArgumentException(
                $"The policy needs 0 <= starting epoch < ending epoch and frequency >= 1; got {options.StartingEpoch}, {options.EndingEpoch}, {options.Frequency}.");
        if (!(options.InitialSparsity >= 0 && options.InitialSparsity < 1))
            throw new ArgumentException($"initial_sparsity must be in [0, 1); got {options.InitialSparsity}.");
        var dense = DenseTop1(points, source);
        var levels = ChooseLevels(points, options.Budget, source).Where(l => l.Level > 0).ToList();
        if (levels.Count == 0)
            throw new ArgumentException(
                $"{source}: no weight keeps top-1 within {Number(options.Budget)} points of the dense {Number(dense)} % at any level above 0; raise the budget.");

        var yaml = new StringBuilder();
        yaml.Append("# Written from ").Append(Path.GetFileName(source)).Append(" (").Append(options.Group.Name())
            .Append(" sensitivity): each weight at the highest level whose top-1 stays within ").Append(Number(options.Budget))
            .Append(" points of the dense ").Append(Number(dense)).Append(" %.\n");
        yaml.Append("version: 1\npruners:\n");
        var names = new List<string>();
        if (options.Pruner == SchedulePruner.Sensitivity)
        {
            names.Add("sensitivity_pruner");
            yaml.Append("  sensitivity_pruner:\n    class: SensitivityPruner\n    sensitivities:\n");
            foreach (var (parameter, level) in levels)
                yaml.Append("      ").Append(parameter).Append(": ").Append(Number(Math.Round(GaussianSensitivity(level), 4)))
                    .Append("  # level ").Append(Number(level)).Append('\n');
        }
        else
        {
            foreach (var group in levels.GroupBy(l => l.Level).OrderBy(g => g.Key))
            {
                var name = "agp_" + Number(Math.Round(group.Key * 100, 4)).Replace('.', '_');
                names.Add(name);
                var initial = group.Key > options.InitialSparsity ? options.InitialSparsity : 0;
                yaml.Append("  ").Append(name).Append(":\n");
                yaml.Append("    class: ").Append(options.Group == SensitivityGroup.Element ? "AutomatedGradualPruner" : "L1RankedStructureParameterPruner_AGP").Append('\n');
                yaml.Append("    initial_sparsity: ").Append(Number(initial)).Append('\n');
                yaml.Append("    final_sparsity: ").Append(Number(group.Key)).Append('\n');
                if (options.Group != SensitivityGroup.Element)
                    yaml.Append("    group_type: ").Append(options.Group == SensitivityGroup.Filter ? "Filters" : "Channels").Append('\n');
                yaml.Append("    weights:\n");
                foreach (var (parameter, _) in group)
                    yaml.Append("      - ").Append(parameter).Append('\n');
            }
        }
        yaml.Append("\npolicies:\n");
        foreach (var name in names)
            yaml.Append("  - pruner:\n      instance_name: ").Append(name).Append('\n')
                .Append("    starting_epoch: ").Append(options.StartingEpoch.ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append("    ending_epoch: ").Append(options.EndingEpoch.ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append("    frequency: ").Append(options.Frequency.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return yaml.ToString();
    }

    /// <summary>
    /// The SensitivityPruner multiple s that prunes the fraction <paramref name="level"/> of normally distributed
    /// weights: P(|w| &lt; sσ) = erf(s/√2) = level, so s = √2·erfinv(level) (level 0.6827 → 1, 0.9545 → 2).
    /// Solved by bisection on erf (Abramowitz and Stegun 7.1.26, error under 1.5e-7).
    /// </summary>
    public static double GaussianSensitivity(double level)
    {
        if (!(level >= 0 && level <= 1))
            throw new ArgumentOutOfRangeException(nameof(level), level, "A level is a fraction in [0, 1].");
        double lo = 0, hi = 10;
        for (var i = 0; i < 80; i++)
        {
            var mid = (lo + hi) / 2;
            if (Erf(mid / Math.Sqrt(2)) < level)
                lo = mid;
            else
                hi = mid;
        }
        return (lo + hi) / 2;
    }

    private static double Erf(double x)
    {
        var t = 1 / (1 + 0.3275911 * x);
        var poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        return 1 - poly * Math.Exp(-x * x);
    }

    private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
