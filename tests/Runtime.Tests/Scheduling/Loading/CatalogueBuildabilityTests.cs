using System.Globalization;
using Distiller.Typed.Catalogue;
using Distiller.Typed.Schedules;
using Distiller.Typed.Scheduling;
using TorchSharp;

namespace Distiller.Typed.Tests.Scheduling.Loading;

/// <summary>
/// "If it compiles, it builds": for every catalogue class, a schedule with its required arguments and then each
/// optional argument at its default, at the edges of its range, just outside them and null is checked by the
/// validator the compiler runs (<see cref="Schedule.Parse"/>) and built by the runtime (<see cref="ScheduleBuilder"/>)
/// on a small model. A schedule the validator accepts must build; one it rejects must be refused at run time with
/// the same DTS ids. This is the test that catches a catalogue entry the runtime does not honour.
/// </summary>
public sealed class CatalogueBuildabilityTests
{
    private const string Weight = "features.3.weight";

    public static TheoryData<string> Classes()
    {
        var data = new TheoryData<string>();
        foreach (var component in ComponentCatalogue.All)
            data.Add(component.ClassName);
        return data;
    }

    [Theory]
    [MemberData(nameof(Classes))]
    public void What_the_validator_accepts_builds_and_what_it_rejects_is_refused_with_the_same_ids(string className)
    {
        Assert.True(ComponentCatalogue.TryFind(className, out var descriptor));
        var required = descriptor.Parameters.Where(p => p.Required).ToDictionary(p => p.Name, p => Example(descriptor, p));
        var accepted = 0;
        var failures = new List<string>();
        foreach (var (label, arguments) in Variants(descriptor, required))
        {
            var yaml = Yaml(descriptor, arguments);
            var parsed = Schedule.Parse(yaml, $"{className}.yaml");
            var expected = parsed.Diagnostics.Where(d => d.Severity == Diagnostics.ScheduleDiagnosticSeverity.Error).Select(d => d.Id).Distinct().Order().ToList();
            var actual = BuildErrors(ScheduleSpec.FromDocument(parsed.Document));
            if (expected.Count == 0)
            {
                accepted++;
                if (actual.Count > 0)
                    failures.Add($"{label}: accepted by the validator but refused at run time:\n    {string.Join("\n    ", actual)}\n{yaml}");
            }
            else
            {
                var ids = actual.Select(p => p.Split(':')[0].Replace("error ", "")).Where(id => id.StartsWith("DTS", StringComparison.Ordinal)).Distinct().Order().ToList();
                if (!ids.SequenceEqual(expected))
                    failures.Add($"{label}: the validator says {string.Join(", ", expected)}, the runtime {string.Join(" | ", actual)}\n{yaml}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.True(accepted > 0, $"no variant of {className} is valid: the test's example arguments need fixing");
    }

    /// <summary>The runtime's problems (messages with their DTS id when the validator found them), empty when it built.</summary>
    private static List<string> BuildErrors(ScheduleSpec spec)
    {
        using var model = new LoadingModels.AlexNetLike();
        using var optimizer = torch.optim.SGD(model.parameters(), 0.1);
        try
        {
            using var scheduler = ScheduleBuilder.Build(model, optimizer, spec, inputShape: [1, 3, 16, 16]);
            return [];
        }
        catch (ScheduleException e)
        {
            return e.Problems.Select(p => p.Message).ToList();
        }
    }

    /// <summary>The required arguments alone, then each optional argument at its default, its range's edges, just
    /// outside them, and null.</summary>
    private static IEnumerable<(string Label, Dictionary<string, string> Arguments)> Variants(ComponentDescriptor descriptor, Dictionary<string, string> required)
    {
        yield return ("required arguments only", required);
        foreach (var parameter in descriptor.Parameters.Where(p => !p.Required))
        {
            var values = new List<string>();
            if (parameter.Default is { } text)
                values.Add(text);
            if (parameter.Range is { } range)
            {
                var integral = parameter.Type is ParameterType.Int or ParameterType.IntList;
                var step = integral ? 1 : 1e-3;
                if (range.Min is { } min)
                    values.AddRange([Number(range.MinInclusive ? min : min + step, integral), Number(range.MinInclusive ? min - step : min, integral)]);
                if (range.Max is { } max)
                    values.AddRange([Number(range.MaxInclusive ? max : max - step, integral), Number(range.MaxInclusive ? max + step : max, integral)]);
            }
            foreach (var allowed in parameter.AllowedValues)
                values.Add(Quote(allowed, parameter));
            values.Add("null");
            foreach (var value in values.Distinct())
            {
                var arguments = new Dictionary<string, string>(required) { [parameter.Name] = Shaped(parameter, value) };
                yield return ($"{parameter.Name}: {value}", arguments);
            }
        }
    }

    private static string Number(double value, bool integral) =>
        integral ? ((long)Math.Round(value)).ToString(CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A scalar test value in the shape the parameter takes (a list's item, a map's value).</summary>
    private static string Shaped(ParameterDescriptor parameter, string value) => parameter.Type switch
    {
        ParameterType.FloatList or ParameterType.IntList when value != "null" && !value.StartsWith('[') => $"[{value}]",
        ParameterType.FloatMap when value != "null" && !value.StartsWith('{') => $"{{{Weight}: {value}}}",
        _ => value,
    };

    private static string Quote(string text, ParameterDescriptor parameter) =>
        parameter.Type is ParameterType.Int or ParameterType.Float ? text : "'" + text + "'";

    /// <summary>A valid value for a required argument, by its name and type.</summary>
    private static string Example(ComponentDescriptor descriptor, ParameterDescriptor parameter) => (descriptor.ClassName, parameter.Name) switch
    {
        (_, "initial_sparsity") => "0.05",
        (_, "final_sparsity") => "0.5",
        (_, "desired_sparsity") => "0.5",
        (_, "sparsity_range") => "[0.1, 0.5]",
        (_, "group_type") => "'" + parameter.AllowedValues.First(g => g != "Blocks" && (GroupTypeRanks.Of(g)?.Contains(4) ?? false)) + "'",
        (_, "threshold_criteria") => "'" + parameter.AllowedValues[0] + "'",
        (_, "low_thresh_mult") => "0.9",
        (_, "hi_thresh_mult") => "1.1",
        ("MultiStepMultiGammaLR", "milestones") => "[2, 4]",
        ("MultiStepMultiGammaLR", "gammas") => "[0.5, 0.5]",
        (_, "base_lr") => "0.01",
        (_, "max_lr") => "0.1",
        _ => parameter.Type switch
        {
            ParameterType.StringList => $"[{Weight}]",
            ParameterType.FloatMap => parameter.AcceptsDefaultKey ? $"{{'*': 0.1, {Weight}: 0.2}}" : $"{{{Weight}: 0.2}}",
            ParameterType.FloatGroupMap => $"{{{Weight}: [0.001, '{parameter.AllowedValues.FirstOrDefault(g => GroupTypeRanks.Of(g)?.Contains(4) ?? false) ?? "Filters"}']}}",
            ParameterType.IntList => "[2, 4]",
            ParameterType.FloatList => "[0.5]",
            ParameterType.Int => Number(Math.Max(1, parameter.Range?.Min ?? 1), integral: true),
            ParameterType.Bool => "true",
            ParameterType.String when parameter.IsEnumeration => "'" + parameter.AllowedValues[0] + "'",
            _ => Number(parameter.Range is { Min: { } min } range ? (range.MinInclusive ? min : min + 0.1) + 0.1 : 0.5, integral: false),
        },
    };

    private static string Yaml(ComponentDescriptor descriptor, Dictionary<string, string> arguments)
    {
        var lines = new List<string> { "version: 1", descriptor.Section.YamlKey() + ":", "  c:", "    class: " + descriptor.ClassName };
        lines.AddRange(arguments.Select(a => $"    {a.Key}: {a.Value}"));
        if (!descriptor.PostTrainingOnly)
        {
            lines.Add("policies:");
            lines.Add($"  - {descriptor.Section.PolicyKey()}:");
            lines.Add("      instance_name: c");
            lines.Add("    starting_epoch: 0");
            lines.Add("    ending_epoch: 4");
            lines.Add("    frequency: 1");
        }
        return string.Join("\n", lines) + "\n";
    }
}
