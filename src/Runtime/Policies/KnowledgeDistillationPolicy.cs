using Distiller.Typed.Distillation;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Policies;

/// <summary>
/// Knowledge distillation from a teacher to the student being trained: Hinton, Vinyals and Dean, "Distilling the
/// Knowledge in a Neural Network" (arXiv:1503.02531), as Distiller's <c>KnowledgeDistillationPolicy</c>.
/// <para>
/// With student logits z_s, teacher logits z_t, temperature T and the student's loss against the labels L:
/// <c>loss = w_student·L + w_distill·T²·KL(softmax(z_t/T) ‖ softmax(z_s/T)) [+ w_teacher·CE(z_t, labels)]</c>,
/// where <c>KL(p ‖ q) = Σ p·(log p − log q)</c> averaged over the batch (PyTorch's <c>kl_div(log_softmax(z_s/T),
/// softmax(z_t/T), reduction='batchmean')</c>). T² keeps the soft targets' gradients comparable across temperatures.
/// The teacher term trains the teacher alongside the student ("scheme A" of Mishra and Marr, "Apprentice",
/// arXiv:1711.05852); the teacher's parameters must then be in the optimizer too.
/// </para>
/// <para>
/// Call <see cref="Forward"/> instead of the student: it runs the teacher (without gradients unless its weight is
/// set) and the student, and keeps both logits for <see cref="BeforeBackwardPass"/>. The policy is active in the
/// epochs the scheduler runs it, from <see cref="StartEpoch"/> on; while inactive <see cref="Forward"/> runs the
/// student alone and the loss is left as it is.
/// </para>
/// </summary>
public sealed class KnowledgeDistillationPolicy : Policy
{
    private Tensor? _studentLogits;
    private Tensor? _teacherLogits;
    private Tensor? _target;

    public KnowledgeDistillationPolicy(
        nn.Module<Tensor, Tensor> student,
        nn.Module<Tensor, Tensor> teacher,
        double temperature = 1.0,
        DistillationLossWeights? weights = null,
        int startEpoch = 0)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        if (ReferenceEquals(student, teacher))
            throw new ArgumentException("The teacher must be a different model from the student.", nameof(teacher));
        if (!double.IsFinite(temperature) || temperature <= 0)
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The distillation temperature must be a finite number > 0.");
        if (startEpoch < 0)
            throw new ArgumentOutOfRangeException(nameof(startEpoch), startEpoch, "The epoch distillation starts from must be >= 0.");
        Student = student;
        Teacher = teacher;
        Temperature = temperature;
        Weights = weights ?? new DistillationLossWeights();
        StartEpoch = startEpoch;
    }

    public override string Name => "KnowledgeDistillation";

    public nn.Module<Tensor, Tensor> Student { get; }
    public nn.Module<Tensor, Tensor> Teacher { get; }
    public double Temperature { get; }
    public DistillationLossWeights Weights { get; }
    public int StartEpoch { get; }

    /// <summary>True between <see cref="OnEpochBegin"/> and <see cref="OnEpochEnd"/> of an epoch ≥ <see cref="StartEpoch"/>.</summary>
    public bool Active { get; private set; }

    /// <summary>
    /// Runs the teacher and the student on <paramref name="input"/> and returns the student's logits. The labels
    /// <paramref name="target"/> are needed only when the teacher loss weight is set.
    /// </summary>
    public Tensor Forward(Tensor input, Tensor? target = null)
    {
        if (!Active)
            return Student.call(input);

        if (Weights.Teacher == 0)
        {
            using var noGrad = no_grad();
            _teacherLogits = Teacher.call(input);
        }
        else
        {
            _teacherLogits = Teacher.call(input);
            _target = target ?? throw new ArgumentNullException(nameof(target),
                "The teacher loss weight is set, so Forward needs the labels to compute the teacher's loss.");
        }
        _studentLogits = Student.call(input);
        return _studentLogits;
    }

    public override void OnEpochBegin(EpochContext context) => Active = context.Epoch >= StartEpoch;

    public override void OnEpochEnd(EpochContext context)
    {
        Active = false;
        Forget();
    }

    public override void OnMinibatchEnd(MinibatchContext context) => Forget();

    public override PolicyLoss? BeforeBackwardPass(MinibatchContext context, Tensor loss)
    {
        if (!Active)
            return null;
        if (_studentLogits is null || _teacherLogits is null)
            throw new InvalidOperationException(
                "KnowledgeDistillationPolicy: the student's and teacher's logits were not kept. Call the policy's Forward(input) " +
                "instead of the student model in the training loop.");

        var distillation = DistillationLoss(_studentLogits, _teacherLogits, Temperature);
        var overall = Weights.Student * loss + Weights.Distill * Temperature * Temperature * distillation;
        var components = new List<LossComponent> { new("Distill Loss", distillation) };
        if (Weights.Teacher != 0)
        {
            var teacherLoss = nn.functional.cross_entropy(_teacherLogits, _target!);
            overall = overall + Weights.Teacher * teacherLoss;
            components.Add(new LossComponent("Teacher Loss", teacherLoss));
        }
        Forget();
        // Reported unscaled (without T²) so runs at different temperatures compare, as Distiller does.
        return new PolicyLoss(overall, components);
    }

    /// <summary>
    /// <c>KL(softmax(teacher/T) ‖ softmax(student/T))</c> summed over classes and averaged over the batch, with
    /// gradients flowing to the student only.
    /// </summary>
    public static Tensor DistillationLoss(Tensor studentLogits, Tensor teacherLogits, double temperature)
    {
        if (studentLogits.dim() != 2 || !studentLogits.shape.SequenceEqual(teacherLogits.shape))
            throw new ArgumentException(
                $"Student and teacher logits must both be [batch, classes]; got [{string.Join(", ", studentLogits.shape)}] and [{string.Join(", ", teacherLogits.shape)}].",
                nameof(teacherLogits));
        using var scope = NewDisposeScope();
        var logQ = nn.functional.log_softmax(studentLogits / temperature, 1);
        // log p from log_softmax stays finite where softmax underflows to 0, so p·log p is 0 there, not NaN.
        var logP = nn.functional.log_softmax(teacherLogits.detach() / temperature, 1);
        var kl = (logP.exp() * (logP - logQ)).sum() / studentLogits.shape[0];
        return kl.MoveToOuterDisposeScope();
    }

    // The logits belong to the caller's minibatch scope; drop the references so none outlives its minibatch.
    private void Forget()
    {
        _studentLogits = null;
        _teacherLogits = null;
        _target = null;
    }
}
