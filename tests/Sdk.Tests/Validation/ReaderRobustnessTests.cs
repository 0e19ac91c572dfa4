using Distiller.Typed.Schedules;

namespace Distiller.Typed.Tests.Validation;

/// <summary>Inputs on which YamlDotNet itself throws something other than a YamlException.</summary>
public class ReaderRobustnessTests
{
    [Fact]
    public void CommentLineInsideABlockIndentedFlowSequenceIsADiagnosticNotACrash()
    {
        // Distiller's examples/agp-pruning/resnet50.schedule_agp.yaml writes its weights list this way (continuation
        // lines no deeper than the key); YamlDotNet's scanner throws InvalidOperationException on it.
        var yaml = "pruners:\n  p:\n    class: AutomatedGradualPruner\n    weights: [\n    #module.conv1.weight,\n    module.layer1.0.conv1.weight,\n    ]\n";
        var result = Schedule.Parse(yaml, "t.yaml");
        var d = Assert.Single(result.Diagnostics);
        Yaml.AssertAt(d, "DTS001", 4, 14); // the '[' of line 4, "    weights: ["
        Assert.Contains("indent those lines deeper than its key", d.Message);
    }

    [Fact]
    public void CommentLineInsideAFlowSequenceIndentedDeeperThanItsKeyIsRead()
    {
        var yaml = "pruners:\n  p:\n    class: AutomatedGradualPruner\n    initial_sparsity: 0.05\n    final_sparsity: 0.5\n" +
                   "    weights: [\n      #module.conv1.weight,\n      module.layer1.0.conv1.weight,\n      module.layer1.0.conv2.weight]\n" +
                   "policies:\n  - pruner: {instance_name: p}\n    starting_epoch: 0\n    ending_epoch: 10\n    frequency: 2\n";
        var result = Schedule.Parse(yaml, "t.yaml");
        Assert.Empty(result.Diagnostics);
        var weights = Assert.IsType<SequenceValue>(result.Document.Components[0].Argument("weights")!.Value);
        Assert.Equal(new[] { "module.layer1.0.conv1.weight", "module.layer1.0.conv2.weight" }, weights.Items.Select(i => ((ScalarValue)i).Text));
    }
}
