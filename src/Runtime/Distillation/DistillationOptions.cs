using System.CommandLine;
using System.CommandLine.Parsing;

namespace Distiller.Typed.Distillation;

/// <summary>What the knowledge-distillation options asked for; null from <see cref="DistillationOptions.Read"/> when no teacher was named.</summary>
/// <param name="TeacherArch">The teacher's architecture (<c>--kd-teacher</c>).</param>
/// <param name="TeacherCheckpoint">The checkpoint holding the teacher's trained weights (<c>--kd-resume</c>), if any.</param>
/// <param name="Pretrained"><c>--kd-pretrained</c>: the teacher starts from the program's pre-trained weights for its architecture.</param>
public sealed record DistillationSettings(
    string TeacherArch,
    string? TeacherCheckpoint,
    double Temperature,
    DistillationLossWeights Weights,
    int StartEpoch,
    bool Pretrained = false);

/// <summary>
/// The knowledge-distillation command-line options of Distiller's <c>add_distillation_args</c>, for any
/// System.CommandLine program: <c>--kd-teacher</c>, <c>--kd-resume</c>, <c>--kd-temperature/--kd-temp</c>,
/// <c>--kd-distill-wt/--kd-dw</c>, <c>--kd-student-wt/--kd-sw</c>, <c>--kd-teacher-wt/--kd-tw</c>,
/// <c>--kd-start-epoch</c>, <c>--kd-pretrained</c>. Add them with <see cref="AddTo"/>, read them with <see cref="Read"/>.
/// </summary>
public sealed class DistillationOptions
{
    public DistillationOptions(IEnumerable<string>? teacherArchitectures = null)
    {
        if (teacherArchitectures is not null)
            Teacher.AcceptOnlyFromAmong([.. teacherArchitectures]);
        Temperature.Validators.Add(r => Require(r, Temperature, t => double.IsFinite(t) && t > 0, "must be a number > 0"));
        foreach (var weight in new[] { DistillWeight, StudentWeight, TeacherWeight })
            weight.Validators.Add(r => Require(r, weight, w => double.IsFinite(w) && w >= 0, "must be a number >= 0"));
        StartEpoch.Validators.Add(r => Require(r, StartEpoch, e => e >= 0, "must be >= 0"));
    }

    public Option<string?> Teacher { get; } = new("--kd-teacher")
    {
        Description = "Model architecture of the teacher; naming one turns knowledge distillation on",
        HelpName = "ARCH",
    };

    public Option<string?> Resume { get; } = new("--kd-resume")
    {
        Description = "Path to a checkpoint from which to load the teacher's weights",
        HelpName = "PATH",
    };

    public Option<bool> Pretrained { get; } = new("--kd-pretrained")
    {
        Description = "Use a pre-trained model for the teacher (where the program has one for the architecture; --kd-resume loads trained weights from a checkpoint)",
    };

    public Option<double> Temperature { get; } = new("--kd-temperature", "--kd-temp")
    {
        Description = "Knowledge distillation softmax temperature",
        HelpName = "TEMP",
        DefaultValueFactory = _ => 1.0,
    };

    public Option<double> DistillWeight { get; } = new("--kd-distill-wt", "--kd-dw")
    {
        Description = "Weight for distillation loss (student vs. teacher soft targets)",
        HelpName = "WEIGHT",
        DefaultValueFactory = _ => 0.5,
    };

    public Option<double> StudentWeight { get; } = new("--kd-student-wt", "--kd-sw")
    {
        Description = "Weight for student vs. labels loss",
        HelpName = "WEIGHT",
        DefaultValueFactory = _ => 0.5,
    };

    public Option<double> TeacherWeight { get; } = new("--kd-teacher-wt", "--kd-tw")
    {
        Description = "Weight for teacher vs. labels loss (> 0 trains the teacher alongside the student)",
        HelpName = "WEIGHT",
        DefaultValueFactory = _ => 0.0,
    };

    public Option<int> StartEpoch { get; } = new("--kd-start-epoch")
    {
        Description = "Epoch from which to enable distillation",
        HelpName = "EPOCH_NUM",
        DefaultValueFactory = _ => 0,
    };

    public IEnumerable<Option> All => [Teacher, Resume, Pretrained, Temperature, DistillWeight, StudentWeight, TeacherWeight, StartEpoch];

    public void AddTo(Command command)
    {
        foreach (var option in All)
            command.Options.Add(option);
    }

    /// <summary>The settings parsed, or null when <c>--kd-teacher</c> was not given.</summary>
    public DistillationSettings? Read(ParseResult result)
    {
        var teacher = result.GetValue(Teacher);
        if (string.IsNullOrEmpty(teacher))
        {
            var stray = All.Skip(1).FirstOrDefault(o => result.GetResult(o) is { Implicit: false });
            if (stray is not null)
                throw new ArgumentException($"{stray.Name} was given without --kd-teacher; name the teacher's architecture with --kd-teacher ARCH.");
            return null;
        }
        return new DistillationSettings(
            teacher,
            result.GetValue(Resume),
            result.GetValue(Temperature),
            new DistillationLossWeights(result.GetValue(DistillWeight), result.GetValue(StudentWeight), result.GetValue(TeacherWeight)),
            result.GetValue(StartEpoch),
            result.GetValue(Pretrained));
    }

    private static void Require<T>(OptionResult result, Option<T> option, Func<T, bool> valid, string rule)
    {
        var value = result.GetValueOrDefault<T>();
        if (!valid(value))
            result.AddError($"{option.Name} {rule}; got {value}.");
    }
}
