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
        using var totals = new RunningTotals(device);
        var lr = LearningRate(optimizer);
        var sparsity = ModelSparsity.TotalPercent(model);
        var checkedUpTo = 0; // minibatches whose losses the guard has seen

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

            // Kept on the device; read only where the progress bar prints and at the end of the epoch.
            totals.Add(batches[i].Length,
            [
                (Overall, overall, true), (Objective, loss, true), (Top1, Accuracy.CountTopK(output, target, 1), false),
                .. (policyLoss?.Components ?? []).Select(c => (ComponentPrefix + c.Name, c.Value, true)),
            ]);
            if (progress?.IsDue(i + 1) == true || i == batches.Count - 1)
            {
                var overallMean = totals.Mean(Overall);
                guard.Check(overallMean, epoch, i, firstMinibatch: checkedUpTo);
                checkedUpTo = i + 1;
                progress?.Update(i + 1, overallMean, totals.Percent(Top1), lr, sparsity);
            }
        }

        return new TrainingResult(totals.Mean(Overall), totals.Mean(Objective), totals.Percent(Top1),
            totals.Names.Where(n => n.StartsWith(ComponentPrefix, StringComparison.Ordinal))
                .ToDictionary(n => n[ComponentPrefix.Length..], totals.Mean));
    }

    private const string Overall = "overall", Objective = "objective", Top1 = "top1", Top5 = "top5", ComponentPrefix = "component:";

    public nn.Module<Tensor, Tensor> Model => model;

    /// <param name="confusion">Counts every sample's (label, prediction) when given (<c>--confusion</c>).</param>
    public EvaluationResult Evaluate(LabeledImages data, int batchSize, int maxBatches, ConfusionMatrix? confusion = null)
    {
        model.eval();
        using var noGrad = no_grad();
        using var totals = new RunningTotals(device);
        var count = 0;
        foreach (var batch in data.Minibatches(batchSize, shuffleSeed: null, maxBatches))
        {
            using var scope = NewDisposeScope();
            var (input, target) = data.Batch(batch, device);
            var output = model.call(input);
            var (top1, top5) = Accuracy.CountTop1AndTopK(output, target, Math.Min(5, (int)output.shape[1]));
            totals.Add(batch.Length, [(Objective, nn.functional.cross_entropy(output, target), true), (Top1, top1, false), (Top5, top5, false)]);
            confusion?.Add(output, target);
            count++;
        }
        // One read of each sum for the whole pass; a non-finite loss in any minibatch is in the sum.
        var loss = totals.Mean(Objective);
        guard.Check(loss, _epoch, Math.Max(count - 1, 0), "validation", firstMinibatch: 0);
        return new EvaluationResult(loss, totals.Percent(Top1), totals.Percent(Top5));
    }

    public static double LearningRate(optim.Optimizer optimizer) => optimizer.ParamGroups.First().LearningRate;
}
