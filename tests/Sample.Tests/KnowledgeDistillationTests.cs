using System.CommandLine;
using Distiller.Typed.Distillation;
using Distiller.Typed.Masks;
using Distiller.Typed.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Sample.Tests;

public class KnowledgeDistillationTests
{
    private const double Ln3 = 1.0986122886681098;

    [Fact]
    public void DistillationLossIsBatchMeanKlOfSoftenedDistributions()
    {
        using var scope = NewDisposeScope();
        // Row 0: teacher [2·ln3, 0]/T=2 -> p = [3/4, 1/4]; student [0, 0] -> q = [1/2, 1/2].
        //   KL = 0.75·ln(0.75/0.5) + 0.25·ln(0.25/0.5) = 0.75·0.4054651 − 0.25·0.6931472 = 0.1308120
        // Row 1: identical logits -> KL = 0.   Batch mean = 0.1308120 / 2 = 0.0654060
        var student = tensor(new float[] { 0, 0, 1, 2 }).reshape(2, 2);
        var teacher = tensor(new float[] { (float)(2 * Ln3), 0, 1, 2 }).reshape(2, 2);
        var loss = KnowledgeDistillationPolicy.DistillationLoss(student, teacher, temperature: 2);
        Assert.Equal(0.0654060, loss.item<float>(), 6);
    }

    [Fact]
    public void OverallLossWeighsStudentLossAndTemperatureSquaredDistillation()
    {
        using var scope = NewDisposeScope();
        using var studentModel = new Fixed(tensor(new float[] { 0, 0 }).reshape(1, 2));
        using var teacherModel = new Fixed(tensor(new float[] { (float)(2 * Ln3), 0 }).reshape(1, 2));
        var policy = new KnowledgeDistillationPolicy(studentModel, teacherModel, temperature: 2,
            new DistillationLossWeights(Distill: 0.7, Student: 0.3, Teacher: 0));
        using var masks = MaskDictionary.For(studentModel);
        policy.OnEpochBegin(new EpochContext(studentModel, masks, 0, null));
        policy.Forward(zeros(1, 1));
        var result = policy.BeforeBackwardPass(new MinibatchContext(studentModel, masks, 0, 0, 1, null), tensor(1.0f));

        // KL = 0.1308120 (one row, as above); overall = 0.3·1.0 + 0.7·2²·0.1308120 = 0.3 + 0.3662736 = 0.6662736
        Assert.NotNull(result);
        Assert.Equal(0.6662736, result.OverallLoss.item<float>(), 5);
        var component = Assert.Single(result.Components);
        Assert.Equal("Distill Loss", component.Name);
        Assert.Equal(0.1308120, component.Value.item<float>(), 6); // unscaled, as Distiller logs it
    }

    [Fact]
    public void TeacherTermAddsWeightedCrossEntropyOfTeacherAgainstLabels()
    {
        using var scope = NewDisposeScope();
        using var studentModel = new Fixed(tensor(new float[] { 0, 0 }).reshape(1, 2));
        using var teacherModel = new Fixed(tensor(new float[] { (float)Ln3, 0 }).reshape(1, 2));
        var policy = new KnowledgeDistillationPolicy(studentModel, teacherModel, 1, new DistillationLossWeights(0.5, 0.5, 0.2));
        using var masks = MaskDictionary.For(studentModel);
        policy.OnEpochBegin(new EpochContext(studentModel, masks, 0, null));
        policy.Forward(zeros(1, 1), tensor(new long[] { 1 }));
        var result = policy.BeforeBackwardPass(new MinibatchContext(studentModel, masks, 0, 0, 1, null), tensor(2.0f))!;

        // T=1: p = [3/4, 1/4], q = [1/2, 1/2], KL = 0.1308120. Teacher CE for label 1 = −ln(1/4) = 1.3862944.
        // overall = 0.5·2 + 0.5·0.1308120 + 0.2·1.3862944 = 1 + 0.0654060 + 0.2772589 = 1.3426649
        Assert.Equal(1.3426649, result.OverallLoss.item<float>(), 5);
        Assert.Equal(new[] { "Distill Loss", "Teacher Loss" }, result.Components.Select(c => c.Name));
        Assert.Equal(1.3862944, result.Components[1].Value.item<float>(), 5);
    }

    [Fact]
    public void TeacherGetsNoGradientAndStudentDoesWhenTeacherWeightIsZero()
    {
        using var scope = NewDisposeScope();
        using var student = nn.Linear(3, 4);
        using var teacher = nn.Linear(3, 4);
        var policy = new KnowledgeDistillationPolicy(student, teacher, 4);
        using var masks = MaskDictionary.For(student);
        policy.OnEpochBegin(new EpochContext(student, masks, 0, null));
        var output = policy.Forward(randn(5, 3));
        var loss = nn.functional.cross_entropy(output, tensor(new long[] { 0, 1, 2, 3, 0 }));
        policy.BeforeBackwardPass(new MinibatchContext(student, masks, 0, 0, 1, null), loss)!.OverallLoss.backward();
        Assert.Null(teacher.weight!.grad);
        Assert.NotNull(student.weight!.grad);
    }

    [Fact]
    public void InactiveBeforeStartEpochAndOutsideEpochs()
    {
        using var scope = NewDisposeScope();
        using var student = nn.Linear(2, 2);
        using var teacher = new Fixed(ones(1, 2));
        var policy = new KnowledgeDistillationPolicy(student, teacher, startEpoch: 2);
        using var masks = MaskDictionary.For(student);
        var minibatch = new MinibatchContext(student, masks, 1, 0, 1, null);

        policy.OnEpochBegin(new EpochContext(student, masks, 1, null));
        Assert.False(policy.Active);
        policy.Forward(zeros(1, 2));
        Assert.Equal(0, teacher.Calls); // teacher not run while inactive
        Assert.Null(policy.BeforeBackwardPass(minibatch, tensor(1f)));

        policy.OnEpochBegin(new EpochContext(student, masks, 2, null));
        Assert.True(policy.Active);
        var error = Assert.Throws<InvalidOperationException>(() => policy.BeforeBackwardPass(minibatch, tensor(1f)));
        Assert.Contains("Forward", error.Message);
        policy.OnEpochEnd(new EpochContext(student, masks, 2, null));
        Assert.False(policy.Active);
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        using var a = nn.Linear(2, 2);
        using var b = nn.Linear(2, 2);
        Assert.Equal("temperature", Assert.Throws<ArgumentOutOfRangeException>(() => new KnowledgeDistillationPolicy(a, b, 0)).ParamName);
        Assert.Equal("teacher", Assert.Throws<ArgumentException>(() => new KnowledgeDistillationPolicy(a, a)).ParamName);
        Assert.Equal("Distill", Assert.Throws<ArgumentOutOfRangeException>(() => new DistillationLossWeights(-1)).ParamName);
    }

    [Fact]
    public void OptionSetParsesDistillersNamesAndAliases()
    {
        var options = new DistillationOptions(["resnet20", "resnet56"]);
        var command = new RootCommand();
        options.AddTo(command);

        var settings = options.Read(command.Parse("--kd-teacher resnet56 --kd-resume t.ckpt --kd-temp 4 --kd-dw 0.7 --kd-sw 0.3 --kd-tw 0.1 --kd-start-epoch 3"));
        Assert.Equal(new DistillationSettings("resnet56", "t.ckpt", 4, new DistillationLossWeights(0.7, 0.3, 0.1), 3), settings);

        var defaults = options.Read(command.Parse("--kd-teacher resnet20"))!;
        Assert.Equal(1.0, defaults.Temperature);
        Assert.Equal(new DistillationLossWeights(0.5, 0.5, 0), defaults.Weights);
        Assert.Equal(0, defaults.StartEpoch);

        Assert.Null(options.Read(command.Parse("")));
        Assert.Contains("--kd-teacher", Assert.Throws<ArgumentException>(() => options.Read(command.Parse("--kd-temperature 3"))).Message);
        Assert.Contains(command.Parse("--kd-teacher resnet20 --kd-temperature 0").Errors, e => e.Message.Contains("--kd-temperature"));
        Assert.Contains(command.Parse("--kd-teacher resnet20 --kd-student-wt -1").Errors, e => e.Message.Contains("--kd-student-wt"));
        Assert.NotEmpty(command.Parse("--kd-teacher alexnet").Errors);
    }

    /// <summary>A model that ignores its input and returns fixed logits, counting its calls.</summary>
    private sealed class Fixed : nn.Module<Tensor, Tensor>
    {
        private readonly Tensor _logits;
        public Fixed(Tensor logits) : base(nameof(Fixed)) => _logits = logits;
        public int Calls { get; private set; }
        public override Tensor forward(Tensor input)
        {
            Calls++;
            return _logits.expand(input.shape[0], _logits.shape[1]).clone();
        }
    }
}
