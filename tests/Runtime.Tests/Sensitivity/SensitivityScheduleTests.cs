using Distiller.Typed.Sensitivity;

namespace Distiller.Typed.Tests.Sensitivity;

/// <summary>
/// <see cref="SensitivitySchedule"/> and <see cref="SensitivityCsv"/> on a hand-written CSV: the level chosen for
/// each weight at a budget, the YAML written for AGP and SensitivityPruner, and the CSV's errors.
/// </summary>
public sealed class SensitivityScheduleTests
{
    // Dense top-1 90. a: within 1 point up to 0.5 (89.0 is exactly 1 below), then 85; b: 88.9 already at 0.25;
    // c: a dip at 0.25 (88) and a recovery at 0.5 (89.5), which must not be trusted; d: tolerant up to 0.75.
    private static readonly string[] Csv =
    [
        "parameter,sparsity,top1,top5,loss",
        "a.weight,0.0,90.0,99.0,0.3", "a.weight,0.25,89.5,99.0,0.31", "a.weight,0.5,89.0,98.9,0.32", "a.weight,0.75,85.0,98.0,0.5",
        "b.weight,0.0,90.0,99.0,0.3", "b.weight,0.25,88.9,99.0,0.35", "b.weight,0.5,80.0,97.0,0.6", "b.weight,0.75,50.0,90.0,1.5",
        "c.weight,0.0,90.0,99.0,0.3", "c.weight,0.25,88.0,99.0,0.4", "c.weight,0.5,89.5,99.0,0.31", "c.weight,0.75,70.0,95.0,0.9",
        "d.weight,0.0,90.0,99.0,0.3", "d.weight,0.25,90.1,99.0,0.3", "d.weight,0.5,89.9,99.0,0.3", "d.weight,0.75,89.2,99.0,0.33",
    ];

    private static IReadOnlyList<SensitivityPoint> Points => SensitivityCsv.Parse(Csv, "sense.csv");

    [Theory]
    [InlineData(1.0, new[] { 0.5, 0.0, 0.0, 0.75 })]
    [InlineData(0.5, new[] { 0.25, 0.0, 0.0, 0.5 })]
    [InlineData(2.0, new[] { 0.5, 0.25, 0.5, 0.75 })]
    [InlineData(0.0, new[] { 0.0, 0.0, 0.0, 0.25 })]
    [InlineData(50.0, new[] { 0.75, 0.75, 0.75, 0.75 })]
    public void Each_weight_gets_the_highest_level_before_the_first_one_over_the_budget(double budget, double[] expected)
    {
        var chosen = SensitivitySchedule.ChooseLevels(Points, budget, "sense.csv");
        Assert.Equal(["a.weight", "b.weight", "c.weight", "d.weight"], chosen.Select(c => c.Parameter));
        Assert.Equal(expected, chosen.Select(c => c.Level));
    }

    [Fact]
    public void An_AGP_schedule_has_one_pruner_per_level_and_leaves_out_weights_at_level_0()
    {
        var yaml = SensitivitySchedule.Write(Points, new SensitivityScheduleOptions { Budget = 1, EndingEpoch = 6, Frequency = 2 }, "sense.csv");
        var expected = """
            version: 1
            pruners:
              agp_50:
                class: AutomatedGradualPruner
                initial_sparsity: 0.05
                final_sparsity: 0.5
                weights:
                  - a.weight
              agp_75:
                class: AutomatedGradualPruner
                initial_sparsity: 0.05
                final_sparsity: 0.75
                weights:
                  - d.weight

            policies:
              - pruner:
                  instance_name: agp_50
                starting_epoch: 0
                ending_epoch: 6
                frequency: 2
              - pruner:
                  instance_name: agp_75
                starting_epoch: 0
                ending_epoch: 6
                frequency: 2

            """;
        Assert.Equal(expected, string.Join('\n', yaml.Split('\n').Skip(1))); // after the comment line
        Assert.StartsWith("# Written from sense.csv (element sensitivity): each weight at the highest level whose top-1 stays within 1 points of the dense 90 %.", yaml);
    }

    [Fact]
    public void A_filter_analysis_gives_structured_AGP_with_its_group_type()
    {
        var yaml = SensitivitySchedule.Write(Points, new SensitivityScheduleOptions { Budget = 2, Group = SensitivityGroup.Channel, InitialSparsity = 0.3 }, "s.csv");
        Assert.Contains("  agp_25:\n    class: L1RankedStructureParameterPruner_AGP\n    initial_sparsity: 0\n    final_sparsity: 0.25\n    group_type: Channels\n    weights:\n      - b.weight\n", yaml);
        Assert.Contains("  agp_50:\n    class: L1RankedStructureParameterPruner_AGP\n    initial_sparsity: 0.3\n    final_sparsity: 0.5\n    group_type: Channels\n    weights:\n      - a.weight\n      - c.weight\n", yaml);
    }

    [Fact]
    public void A_SensitivityPruner_schedule_uses_the_normal_distributions_multiple_of_sigma()
    {
        var yaml = SensitivitySchedule.Write(Points, new SensitivityScheduleOptions { Budget = 1, Pruner = SchedulePruner.Sensitivity }, "s.csv");
        // erf(s/√2) = level: level 0.5 -> s = 0.6745 (the normal quartile), 0.75 -> 1.1503.
        Assert.Contains("    class: SensitivityPruner\n    sensitivities:\n      a.weight: 0.6745  # level 0.5\n      d.weight: 1.1503  # level 0.75\n", yaml);
        Assert.Contains("      instance_name: sensitivity_pruner\n", yaml);
    }

    [Theory]
    [InlineData(0.682689492137, 1.0)]
    [InlineData(0.954499736104, 2.0)]
    [InlineData(0.997300203937, 3.0)]
    [InlineData(0.0, 0.0)]
    public void The_gaussian_sensitivity_inverts_erf(double level, double sigmas) =>
        Assert.Equal(sigmas, SensitivitySchedule.GaussianSensitivity(level), 4);

    [Fact]
    public void Bad_requests_are_errors_that_say_what_to_change()
    {
        Assert.Contains("raise the budget", Assert.Throws<ArgumentException>(() =>
            SensitivitySchedule.Write(SensitivityCsv.Parse(Csv.Take(1).Concat(Csv.Skip(5).Take(4)).ToArray(), "s.csv"), new SensitivityScheduleOptions { Budget = 0.5 }, "s.csv")).Message);
        Assert.Contains("--pruner agp", Assert.Throws<ArgumentException>(() =>
            SensitivitySchedule.Write(Points, new SensitivityScheduleOptions { Budget = 1, Pruner = SchedulePruner.Sensitivity, Group = SensitivityGroup.Filter }, "s.csv")).Message);
        Assert.Contains("no row at sparsity 0", Assert.Throws<InvalidDataException>(() =>
            SensitivitySchedule.ChooseLevels(SensitivityCsv.Parse([Csv[0], Csv[2]], "s.csv"), 1, "s.csv")).Message);
        Assert.Contains(">= 0", Assert.Throws<ArgumentException>(() => SensitivitySchedule.ChooseLevels(Points, -1, "s.csv")).Message);
    }

    [Fact]
    public void The_CSV_round_trips_and_reads_Distillers_CRLF_file()
    {
        var points = Points;
        var text = SensitivityCsv.Format(points);
        Assert.StartsWith("parameter,sparsity,top1,top5,loss\na.weight,0,90,99,0.3\na.weight,0.25,89.5,99,0.31\n", text);
        Assert.Equal(points, SensitivityCsv.Parse(text.Replace("\n", "\r\n").Split('\n'), "x.csv"));
    }

    [Theory]
    [InlineData("parameter,sparsity,top1,top5\n", "x.csv(1): the header must be")]
    [InlineData("parameter,sparsity,top1,top5,loss\na.weight,0,90,99\n", "x.csv(2): expected 5 fields")]
    [InlineData("parameter,sparsity,top1,top5,loss\na.weight,0,90,99,0.1\na.weight,half,90,99,0.1\n", "x.csv(3): sparsity 'half' is not a finite number")]
    [InlineData("parameter,sparsity,top1,top5,loss\na.weight,1.5,90,99,0.1\n", "x.csv(2): sparsity 1.5 is outside [0, 1]")]
    [InlineData("parameter,sparsity,top1,top5,loss\n", "x.csv: the file has a header but no rows")]
    public void A_broken_CSV_is_an_error_naming_the_file_and_line(string text, string message) =>
        Assert.StartsWith(message, Assert.Throws<InvalidDataException>(() => SensitivityCsv.Parse(text.Split('\n'), "x.csv")).Message);
}
