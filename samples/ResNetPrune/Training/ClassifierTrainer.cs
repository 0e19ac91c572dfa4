using Distiller.Typed.Policies;
using Distiller.Typed.Samples.ResNetPrune.Data;
using Distiller.Typed.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Training;

/// <summary>
/// One epoch of SGD training and one validation pass (Distiller's <c>train</c> and <c>validate</c> in
/// <c>image_classifier.py</c>), with the compression callbacks of <see cref="ICompressionHooks"/> at Distiller's
/// points and the knowledge-distillation forward pass when a teacher is set. A NaN or infinite loss stops the run
/// (<see cref="NonFiniteLossGuard"/>).
/// </summary>
public sealed class ClassifierTrainer(
    nn.Module<Tensor, Tensor> model,
    optim.Optimizer optimizer,
    ICompressionHooks hooks,
    Device device,
    NonFiniteLossGuard guard,
    KnowledgeDistillationPolicy? distillation = null)
{
    private int _epoch;

    public TrainingResult TrainEpoch(int epoch, LabeledImages data, int batchSize, int shuffleSeed, int maxBatches, ProgressBar? progress)
    {
        _epoch = epoch;
        var batches = data.Minibatches(batchSize, shuffleSeed, maxBatches);
        model.train();
        if (distillation is { Weights.Teacher: > 0 })
            distillation.Teacher.train();
        double overallSum = 0, objectiveSum = 0;
        long correct = 0, seen = 0;
        var components = new Dictionary<string, double>(StringComparer.Ordinal);
        var lr = LearningRate(optimizer);
        var sparsity = ModelSparsity.TotalPercent(model);

        for (var i = 0; i < batches.Count; i++)
        {
            using var scope = NewDisposeScope();
            var context = new MinibatchContext(model, hooks.Masks, epoch, i, batches.Count, optimizer);
            var (input, target) = data.Batch(batches[i], device);

            hooks.OnMinibatchBegin(context);
            var output = distillation is null ? model.call(input) : distillation.Forward(input, target);
            var loss = nn.functional.cross_entropy(output, target);
            var policyLoss = hooks.BeforeBackwardPass(context, loss);
            var overall = policyLoss?.OverallLoss ?? loss;

            optimizer.zero_grad();
            overall.backward();
            hooks.BeforeParameterOptimization(context);
            optimizer.step();
            hooks.OnMinibatchEnd(context);

            var n = batches[i].Length;
            seen += n;
            var overallValue = overall.item<float>();
            guard.Check(overallValue, epoch, i);
            overallSum += overallValue * n;
            objectiveSum += loss.item<float>() * n;
            correct += Accuracy.CorrectTopK(output, target, 1);
            foreach (var component in policyLoss?.Components ?? [])
                components[component.Name] = components.GetValueOrDefault(component.Name) + component.Value.item<float>() * n;
            progress?.Update(i + 1, overallSum / seen, 100.0 * correct / seen, lr, sparsity);
        }

        seen = Math.Max(seen, 1);
        return new TrainingResult(overallSum / seen, objectiveSum / seen, 100.0 * correct / seen,
            components.ToDictionary(c => c.Key, c => c.Value / seen));
    }

    public nn.Module<Tensor, Tensor> Model => model;

    /// <param name="confusion">Counts every sample's (label, prediction) when given (<c>--confusion</c>).</param>
    public EvaluationResult Evaluate(LabeledImages data, int batchSize, int maxBatches, ConfusionMatrix? confusion = null)
    {
        model.eval();
        using var noGrad = no_grad();
        double lossSum = 0;
        long top1 = 0, top5 = 0, seen = 0;
        var index = 0;
        foreach (var batch in data.Minibatches(batchSize, shuffleSeed: null, maxBatches))
        {
            using var scope = NewDisposeScope();
            var (input, target) = data.Batch(batch, device);
            var output = model.call(input);
            var loss = nn.functional.cross_entropy(output, target).item<float>();
            guard.Check(loss, _epoch, index++, "validation");
            lossSum += loss * batch.Length;
            top1 += Accuracy.CorrectTopK(output, target, 1);
            top5 += Accuracy.CorrectTopK(output, target, Math.Min(5, (int)output.shape[1]));
            confusion?.Add(output, target);
            seen += batch.Length;
        }
        seen = Math.Max(seen, 1);
        return new EvaluationResult(lossSum / seen, 100.0 * top1 / seen, 100.0 * top5 / seen);
    }

    public static double LearningRate(optim.Optimizer optimizer) => optimizer.ParamGroups.First().LearningRate;
}
