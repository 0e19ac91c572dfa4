using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.PostTraining;

/// <summary>
/// Folds a batch-norm into the Conv/Linear layer feeding it, for inference (Distiller's <c>fold_batch_norms</c>):
/// with γ, β, μ, σ² the batch-norm's scale, shift, running mean and variance,
/// <c>W' = W·γ/√(σ² + ε)</c> (per output channel) and <c>b' = (b − μ)·γ/√(σ² + ε) + β</c>; the batch-norm becomes a
/// <see cref="PassThrough"/> under its own name. A pair is folded only when the layer's output goes to the batch-norm
/// alone, the batch-norm reads only that layer, and it tracks running statistics.
/// </summary>
public static class BatchNormFolding
{
    /// <summary>Folds every eligible pair; returns (layer, batch-norm) names.</summary>
    public static IReadOnlyList<(string Layer, string BatchNorm)> Fold(nn.Module model, ModelTrace trace) =>
        FoldPairs(model, trace, (layer, bn, name) =>
        {
            FoldInto(layer, bn, name);
            return null;
        });

    /// <summary>
    /// Distiller's <c>fold_batch_norms(inference=False)</c>: every eligible pair becomes a
    /// <see cref="Training.SimulatedFoldedBatchNorm"/> under the layer's name (the batch-norm a pass-through under its
    /// own), for quantization-aware training.
    /// </summary>
    public static IReadOnlyList<(string Layer, string BatchNorm)> FoldForTraining(nn.Module model, ModelTrace trace,
        long freezeBnDelay = Training.SimulatedFoldedBatchNorm.FreezeBnDelayDefault, Func<Tensor, Tensor>? paramQuantization = null) =>
        FoldPairs(model, trace, (layer, bn, _) =>
            new Training.SimulatedFoldedBatchNorm((nn.Module<Tensor, Tensor>)layer, bn, freezeBnDelay, paramQuantization));

    private static IReadOnlyList<(string Layer, string BatchNorm)> FoldPairs(nn.Module model, ModelTrace trace,
        Func<nn.Module, NormBase, string, nn.Module?> fold)
    {
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);
        var folded = new List<(string, string)>();
        foreach (var node in trace.Nodes)
        {
            if (node.Module is not (BatchNorm1d or BatchNorm2d or BatchNorm3d) || !modules.ContainsKey(node.Name))
                continue;
            if (((NormBase)node.Module).running_mean is null || ((NormBase)node.Module).running_var is null)
                continue; // without running statistics the batch-norm normalizes by the batch: nothing to fold
            var preds = trace.Predecessors(node.Name);
            if (preds.Count != 1 || trace.Successors(preds[0]).Count != 1)
                continue;
            var layer = modules[preds[0]];
            if (layer is not (Conv1d or Conv2d or Conv3d or Linear))
                continue;
            bool training = node.Module.training;
            var replacement = fold(layer, (NormBase)node.Module, preds[0]);
            ModuleTree.Replace(model, node.Name, new PassThrough());
            if (replacement is not null)
            {
                ModuleTree.Replace(model, preds[0], replacement);
                replacement.train(training);
            }
            folded.Add((preds[0], node.Name));
        }
        return folded;
    }

    private static void FoldInto(nn.Module layer, NormBase bn, string layerName)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var op = ParamLayerOp.For(layer, layerName);
        var mean = bn.running_mean ?? throw new InvalidOperationException($"Batch-norm after '{layerName}' tracks no running statistics; it cannot be folded.");
        var variance = bn.running_var!;
        var gamma = bn.weight is null ? torch.ones_like(mean) : bn.weight.detach();
        var beta = bn.bias is null ? torch.zeros_like(mean) : bn.bias.detach();
        var factor = gamma / torch.sqrt(variance + bn.eps);
        var shape = Enumerable.Repeat(1L, (int)op.Weight.dim()).ToArray();
        shape[0] = -1;
        op.Weight.mul_(factor.reshape(shape));
        var bias = op.Bias is null ? torch.zeros_like(mean) : op.Bias.detach();
        var newBias = (bias - mean) * factor + beta;
        if (op.Bias is not null)
            op.Bias.copy_(newBias);
        else
            layer.GetType().GetProperty("bias")!.SetValue(layer, new Parameter(newBias.clone().MoveToOuterDisposeScope()));
    }
}
