// Runs what the generated ResNet20AgpSchedule builds and prints it, one fact a line, for the end-to-end test.
using Samples.Cifar;
using static TorchSharp.torch;

var options = new ResNet20AgpSchedule.Options();
options.ConvPruner.FinalSparsity = 0.6;
var spec = ResNet20AgpSchedule.CreateSpec(options);
Console.WriteLine("path " + spec.Path);
foreach (var component in spec.Components)
{
    Console.WriteLine($"component {component.Section} {component.InstanceName} {component.ClassName} {component.Arguments}");
}

foreach (var policy in spec.Policies)
{
    Console.WriteLine($"policy {policy.Section} {policy.InstanceName} {policy.StartingEpoch} {policy.EndingEpoch} {policy.Frequency}");
}

Console.WriteLine("parameter " + ResNet20Names.Parameters.Layer2Conv2Weight(1));

// The generated Build: the model, the optimizer (the schedule has an LR scheduler) and the edited options.
using var model = new ResNet20();
var optimizer = optim.SGD(model.parameters(), 0.1);
using var scheduler = ResNet20AgpSchedule.Build(model, optimizer, options);
foreach (var scheduled in scheduler.Policies)
{
    Console.WriteLine($"scheduled {scheduled.Policy.GetType().Name} {scheduled.Schedule}");
}

// A model written in the styles the analysis must follow (Styles.cs): its schedule compiled without a finding, and
// its names are the ones TorchSharp registers, so it builds.
using var styles = new Samples.Styles.Styles();
using var stylesScheduler = Samples.Styles.StylesAgpSchedule.Build(styles);
Console.WriteLine($"styles built {stylesScheduler.Policies.Count} policy; names {string.Join(",", styles.named_parameters().Select(p => p.name).Where(n => n.EndsWith("weight", StringComparison.Ordinal)))}");
