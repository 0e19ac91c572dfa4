using Distiller.Typed.Schedules;

namespace Distiller.Typed.Tests.Parsing;

/// <summary>The five example schedules of the reference document parse with no error or warning (the DoReFa example
/// gets the DTS019 portability note).</summary>
public class ReferenceSchedulesTests
{
    public static TheoryData<string> ReferenceFiles => new()
    {
        "alexnet.schedule_agp.yaml",
        "resnet50.schedule_l1_reg.yaml",
        "resnet50.schedule_group_lasso.yaml",
        "alexnet.schedule_mixed.yaml",
        "preactresnet20.schedule_dorefa.yaml",
    };

    [Theory]
    [MemberData(nameof(ReferenceFiles))]
    public void ParsesWithoutDiagnostics(string file)
    {
        var result = Schedule.Load(Path.Combine(TestPaths.Schedules, file));
        Assert.Empty(result.Diagnostics.Where(d => d.Id != "DTS019").Select(d => d.ToString()));
        Assert.NotEmpty(result.Document.Policies);
    }

    [Fact]
    public void AlexNetSensitivityScheduleReadsAsWritten()
    {
        var document = Schedule.Load(Path.Combine(TestPaths.Schedules, "alexnet.schedule_agp.yaml")).Document;

        var pruner = Assert.Single(document.InSection(ScheduleSection.Pruners));
        Assert.Equal("my_pruner", pruner.InstanceName);
        Assert.Equal("SensitivityPruner", pruner.ClassName);
        var sensitivities = Assert.IsType<MappingValue>(pruner.Argument("sensitivities")!.Value);
        Assert.Equal(8, sensitivities.Entries.Count);
        Assert.Equal("features.module.0.weight", sensitivities.Entries[0].Key.Text);
        Assert.True(((ScalarValue)sensitivities.Entries[0].Value).TryGetDouble(out var s) && s == 0.25);

        var lr = Assert.Single(document.InSection(ScheduleSection.LrSchedulers));
        Assert.Equal(("pruning_lr", "ExponentialLR"), (lr.InstanceName, lr.ClassName));

        Assert.Collection(document.Policies,
            p => Assert.Equal((ScheduleSection.Pruners, "my_pruner", "0", "38", "2"),
                (p.Section, p.InstanceName!.Text, p.StartingEpoch!.Text, p.EndingEpoch!.Text, p.Frequency!.Text)),
            p => Assert.Equal((ScheduleSection.LrSchedulers, "pruning_lr", "24", "200", "1"),
                (p.Section, p.InstanceName!.Text, p.StartingEpoch!.Text, p.EndingEpoch!.Text, p.Frequency!.Text)));
    }

    [Fact]
    public void NodesKeepTheirSourcePositions()
    {
        // After the one header comment line: line 6 is "    sensitivities:", line 7 "      'features.module.0.weight': 0.25".
        var path = Path.Combine(TestPaths.Schedules, "alexnet.schedule_agp.yaml");
        var document = Schedule.Load(path).Document;
        var sensitivities = (MappingValue)document.Components[0].Argument("sensitivities")!.Value;
        var firstKey = sensitivities.Entries[0].Key;
        Assert.Equal((7, 7), (firstKey.Span.Line, firstKey.Span.Column));
        var text = File.ReadAllText(path);
        Assert.Equal("'features.module.0.weight'", text.Substring(firstKey.Span.Start, firstKey.Span.Length));
    }

    [Fact]
    public void QuantizationPolicyTimingNestedUnderTheInstanceIsRead()
    {
        var result = Schedule.Load(Path.Combine(TestPaths.Schedules, "preactresnet20.schedule_dorefa.yaml"));
        var policy = Assert.Single(result.Document.Policies);
        Assert.Equal((ScheduleSection.Quantizers, "0", "200", "1"),
            (policy.Section, policy.StartingEpoch!.Text, policy.EndingEpoch!.Text, policy.Frequency!.Text));

        // Accepted, with one portability note at the first nested key: Distiller's add_policy_to_scheduler reads
        // policy_def['starting_epoch'] from the policy entry and raises KeyError on this form.
        Assert.False(result.HasErrors);
        var note = Assert.Single(result.Diagnostics);
        Assert.Equal(("DTS019", Diagnostics.ScheduleDiagnosticSeverity.Info), (note.Id, note.Severity));
        Assert.Equal((25, 7), (note.Span.Line, note.Span.Column));
        Assert.StartsWith("The timing ('starting_epoch', 'ending_epoch', 'frequency') is nested under the policy's 'quantizer'", note.Message);
        Assert.Contains("Distiller itself reads the timing only from the policy entry", result.Diagnostics[0].Message);
    }
}
