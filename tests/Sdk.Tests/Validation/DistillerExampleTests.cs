using Distiller.Typed.Schedules;

namespace Distiller.Typed.Tests.Validation;

/// <summary>
/// Schedules Distiller itself ships (see DistillerExamples/README.md) validate against the catalogue: the class
/// names, argument names, types, enumerations and ranges here are Distiller's.
/// </summary>
public class DistillerExampleTests
{
    private static string Folder => Path.Combine(TestPaths.RepoRoot, "tests", "Sdk.Tests", "Validation", "DistillerExamples");

    public static TheoryData<string> CleanExamples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.yaml").Select(Path.GetFileName).OrderBy(f => f, StringComparer.Ordinal))
        {
            if (file is not ("agp-pruning_resnet50.schedule_agp.1x1x8-blocks.yaml" or "network_slimming_resnet20_slimming.yaml"))
                data.Add(file!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CleanExamples))]
    public void ValidatesWithoutDiagnostics(string file)
    {
        var result = Schedule.Load(Path.Combine(Folder, file));
        Assert.Empty(result.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void TheExamplesCoverEveryQuantizer()
    {
        var classes = Directory.GetFiles(Folder, "*.yaml")
            .SelectMany(f => Schedule.Load(f).Document.Components)
            .Select(c => c.ClassName)
            .ToHashSet();
        Assert.Superset(new HashSet<string?> { "DorefaQuantizer", "PACTQuantizer", "QuantAwareTrainRangeLinearQuantizer", "PostTrainLinearQuantizer" }, classes);
    }

    [Fact]
    public void WeightsGivenAsAStringIsReported()
    {
        // Line 96 is "    weights: module.fc.weight": Distiller's AGP pruner then tests names with Python's substring 'in'.
        var result = Schedule.Load(Path.Combine(Folder, "agp-pruning_resnet50.schedule_agp.1x1x8-blocks.yaml"));
        var d = Assert.Single(result.Diagnostics);
        Yaml.AssertAt(d, "DTS026", 96, 14);
    }

    [Fact]
    public void RegularizerWhosePolicyIsCommentedOutIsReported()
    {
        // Line 16 declares Channels_groups_regularizer; its policy (line 36 on) is commented out.
        var result = Schedule.Load(Path.Combine(Folder, "network_slimming_resnet20_slimming.yaml"));
        var d = Assert.Single(result.Diagnostics);
        Yaml.AssertAt(d, "DTS055", 16, 3);
    }
}
