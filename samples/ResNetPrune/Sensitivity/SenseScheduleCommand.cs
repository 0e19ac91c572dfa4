using System.CommandLine;
using System.Text;
using Distiller.Typed.Samples.ResNetPrune.Checkpoints;
using Distiller.Typed.Samples.ResNetPrune.Cli;
using Distiller.Typed.Sensitivity;

namespace Distiller.Typed.Samples.ResNetPrune.Sensitivity;

/// <summary>
/// <c>ResNetPrune sense-schedule sensitivity.csv --budget 1 [--pruner agp|sensitivity] [--sense element|filter|channel]
/// [-o SCHEDULE.yaml]</c>: writes a Distiller schedule that prunes each weight to the highest level of the analysis
/// whose top-1 stays within the budget (<see cref="SensitivitySchedule"/>).
/// </summary>
public static class SenseScheduleCommand
{
    public const string Name = "sense-schedule";

    public static Command Create()
    {
        var csv = new Argument<string>("CSV") { Description = "The sensitivity.csv a --sense run wrote" };
        var budget = new Option<double>("--budget")
        {
            Description = "Top-1 percentage points each weight may cost: its level is the highest whose top-1 >= dense top-1 - budget",
            DefaultValueFactory = _ => 1.0,
        };
        var pruner = new Option<string>("--pruner")
        {
            Description = "agp (AutomatedGradualPruner, or L1RankedStructureParameterPruner_AGP for a filter/channel analysis) or sensitivity (SensitivityPruner, element analysis only)",
            DefaultValueFactory = _ => "agp",
        };
        pruner.AcceptOnlyFromAmong("agp", "sensitivity");
        var group = new Option<string>("--sense")
        {
            Description = "What the analysis pruned: element, filter or channel (the CSV does not say)",
            DefaultValueFactory = _ => "element",
        };
        group.AcceptOnlyFromAmong([.. SensitivityGroups.Names]);
        var starting = new Option<int>("--starting-epoch") { Description = "The pruning policy's starting_epoch", DefaultValueFactory = _ => 0 };
        var ending = new Option<int>("--ending-epoch") { Description = "The pruning policy's ending_epoch (AGP reaches each level at the last pruning epoch before it)", DefaultValueFactory = _ => 10 };
        var frequency = new Option<int>("--frequency") { Description = "The pruning policy's frequency in epochs", DefaultValueFactory = _ => 1 };
        var initial = new Option<double>("--initial-sparsity") { Description = "AGP's initial_sparsity (weights whose level is at or under it start at 0)", DefaultValueFactory = _ => 0.05 };
        var outFile = new Option<string?>("--output", "-o") { Description = "Write the schedule to this file (default: print it)", HelpName = "FILE" };
        budget.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<double>();
            if (!double.IsFinite(v) || v < 0)
                r.AddError($"--budget must be a number of top-1 percentage points >= 0; got {v}.");
        });

        var command = new Command(Name, "Write a SensitivityPruner or AGP schedule from a sensitivity CSV at a top-1 loss budget")
        {
            csv, budget, pruner, group, starting, ending, frequency, initial, outFile,
        };
        command.SetAction(parse => ErrorPolicy.Run(() =>
        {
            var path = parse.GetValue(csv)!;
            var options = new SensitivityScheduleOptions
            {
                Budget = parse.GetValue(budget),
                Pruner = parse.GetValue(pruner) == "sensitivity" ? SchedulePruner.Sensitivity : SchedulePruner.Agp,
                Group = SensitivityGroups.Parse(parse.GetValue(group)!),
                StartingEpoch = parse.GetValue(starting),
                EndingEpoch = parse.GetValue(ending),
                Frequency = parse.GetValue(frequency),
                InitialSparsity = parse.GetValue(initial),
            };
            var yaml = SensitivitySchedule.Write(SensitivityCsv.Read(path), options, path);
            if (parse.GetValue(outFile) is { } target)
            {
                if (Path.GetDirectoryName(Path.GetFullPath(target)) is { } folder)
                    Directory.CreateDirectory(folder);
                DurableFile.Write(target, Encoding.UTF8.GetBytes(yaml));
                parse.InvocationConfiguration.Output.WriteLine($"Wrote {target}; train with --compress {target}");
            }
            else
            {
                parse.InvocationConfiguration.Output.Write(yaml);
            }
            return 0;
        }, parse.InvocationConfiguration.Error));
        return command;
    }
}
