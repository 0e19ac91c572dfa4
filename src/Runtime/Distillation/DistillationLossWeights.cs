namespace Distiller.Typed.Distillation;

/// <summary>
/// The weights of knowledge distillation's three loss terms (Distiller's <c>DistillationLossWeights</c>):
/// <paramref name="Distill"/> for the student's soft predictions against the teacher's soft targets,
/// <paramref name="Student"/> for the student against the true labels, <paramref name="Teacher"/> for the teacher
/// against the true labels (non-zero only when the teacher is trained alongside the student).
/// </summary>
public sealed record DistillationLossWeights
{
    public DistillationLossWeights(double Distill = 0.5, double Student = 0.5, double Teacher = 0.0)
    {
        this.Distill = Check(Distill, nameof(Distill));
        this.Student = Check(Student, nameof(Student));
        this.Teacher = Check(Teacher, nameof(Teacher));
    }

    public double Distill { get; }
    public double Student { get; }
    public double Teacher { get; }

    private static double Check(double weight, string name) =>
        double.IsFinite(weight) && weight >= 0
            ? weight
            : throw new ArgumentOutOfRangeException(name, weight, $"The {name.ToLowerInvariant()} loss weight must be a finite number >= 0.");
}
