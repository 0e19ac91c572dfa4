using Distiller.Typed.Distillation;
using Distiller.Typed.Masks;
using Distiller.Typed.Policies;
using Distiller.Typed.Quantization.Training;
using Distiller.Typed.Samples.ResNetPrune.Data;
using Distiller.Typed.Samples.ResNetPrune.Models;
using Distiller.Typed.Samples.ResNetPrune.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Sample.Tests;

/// <summary>
/// The root model is run with <c>call()</c>, not <c>forward()</c>, so hooks registered on it fire — such as
/// QuantAwareTrainRangeLinearQuantizer's <c>quantize_inputs</c> pre-hook, which sees every training input.
/// </summary>
public class RootCallTests
{
    [Fact]
    public void TrainerAndEvaluationRunTheModelsForwardPreHook()
    {
        torch.manual_seed(3);
        using var model = new ResNet20Narrow();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var quantizer = new QuantAwareTrainRangeLinearQuantizer(model, optimizer, bitsActivations: 8, bitsWeights: 8, quantizeInputs: true);
        quantizer.PrepareModel();
        using var hooks = new PolicyList(model, [new QuantizationPolicy(quantizer)]);
        using var data = FashionMnist.Load(FashionMnist.ShippedSubsetDirectory, DataSplit.Train);
        var trainer = new ClassifierTrainer(model, optimizer, hooks, CPU, new Distiller.Typed.Training.NonFiniteLossGuard());

        trainer.TrainEpoch(0, data, 16, ClassifierJob.ShuffleSeed(1, 0), 2, null);
        // The EMA of the inputs' maximum after two batches: the pre-hook saw both (a skipped hook leaves it at 0).
        Assert.True(quantizer.InputsQuant!.TrackedMax.item<float>() > 0, "the quantize_inputs pre-hook did not run in training");

        int evaluated = 0;
        model.register_forward_pre_hook((_, input) => { evaluated++; return input; });
        trainer.Evaluate(data, 16, 2);
        Assert.Equal(2, evaluated);
    }

    [Fact]
    public void DistillationRunsTheHooksOfStudentAndTeacher()
    {
        using var student = nn.Sequential(("fc", nn.Linear(4, 3)));
        using var teacher = nn.Sequential(("fc", nn.Linear(4, 3)));
        int studentCalls = 0, teacherCalls = 0;
        student.register_forward_pre_hook((_, x) => { studentCalls++; return x; });
        teacher.register_forward_pre_hook((_, x) => { teacherCalls++; return x; });
        var policy = new KnowledgeDistillationPolicy(student, teacher, 2, new DistillationLossWeights(0.7, 0.3, 0));
        using var masks = MaskDictionary.For(student);
        policy.Forward(zeros(2, 4)); // before the start epoch: the student alone
        policy.OnEpochBegin(new EpochContext(student, masks, 0, null));
        policy.Forward(zeros(2, 4));
        Assert.Equal(2, studentCalls);
        Assert.Equal(1, teacherCalls);
    }
}
