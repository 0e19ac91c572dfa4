using Distiller.Typed.Schedules;

namespace Distiller.Typed.Tests.Validation;

/// <summary>Inputs on which YamlDotNet itself throws something other than a YamlException.</summary>
public class ReaderRobustnessTests
{
    [Fact]
    public void CommentLineInsideABlockIndentedFlowSequenceIsADiagnosticNotACrash()
    {
        // Distiller's examples/agp-pruning/resnet50.schedule_agp.yaml writes its weights list this way; YamlDotNet's
        // scanner throws InvalidOperationException on it.
        var yaml = "pruners:\n  p:\n    class: AutomatedGradualPruner\n    weights: [\n    #module.conv1.weight,\n    module.layer1.0.conv1.weight,\n    ]\n";
        var result = Schedule.Parse(yaml, "t.yaml");
        var d = Assert.Single(result.Diagnostics);
        Yaml.AssertAt(d, "DTS001", 4, 14); // the '[' of line 4, "    weights: ["
        Assert.Contains("reader failed", d.Message);
    }
}
