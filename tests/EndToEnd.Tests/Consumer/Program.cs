// Prints what the generated AlexNetAgpSchedule builds, one policy a line, for the end-to-end test to check.
var options = new Samples.Vision.AlexNetAgpSchedule.Options();
options.PruningLr.Gamma = 0.95;
var spec = Samples.Vision.AlexNetAgpSchedule.CreateSpec(options);
foreach (var component in spec.Components)
{
    Console.WriteLine($"component {component.Section} {component.InstanceName} {component.ClassName} {component.Arguments}");
}

foreach (var policy in spec.Policies)
{
    Console.WriteLine($"policy {policy.Section} {policy.InstanceName} {policy.StartingEpoch} {policy.EndingEpoch} {policy.Frequency}");
}

Console.WriteLine("parameter " + Samples.Vision.AlexNetNames.Parameters.Classifier4Weight);
