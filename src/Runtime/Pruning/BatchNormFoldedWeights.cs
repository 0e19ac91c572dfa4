using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// The Conv2d → BatchNorm2d pairs of a model, found by tracing one forward pass, and the conv weights with the
/// batch norm folded in, as Distiller's <c>PruningPolicy._fold_batchnorm</c> (Jacob et al., "Quantization and
/// Training of Neural Networks for Efficient Integer-Arithmetic-Only Inference", https://arxiv.org/abs/1806.08342,
/// equations 20–21):
/// <code>
/// w_folded = w × (γ / sqrt(running_var + eps))   per output filter   (γ = 1 when the BN is not affine)
/// </code>
/// A pair is a batch norm whose input is exactly the convolution's output tensor. Distiller's graph search also
/// walks through other operations to the next batch norm; here the edge must be direct, so a convolution
/// followed by e.g. ReLU then BN is not folded. Only the conv's <c>weight</c> is folded (Distiller would hand the
/// folded weight in place of the bias too, which cannot be masked).
/// </summary>
public sealed class BatchNormFoldedWeights
{
    private readonly Dictionary<string, (Conv2d Conv, BatchNorm2d BatchNorm)> _byWeight;

    private BatchNormFoldedWeights(Dictionary<string, (Conv2d, BatchNorm2d)> byWeight) => _byWeight = byWeight;

    /// <summary>Conv weight parameter name → the batch norm module name that follows it.</summary>
    public IReadOnlyDictionary<string, string> Pairs { get; private init; } = new Dictionary<string, string>();

    /// <summary>
    /// Traces one forward pass of zeros shaped <paramref name="inputShape"/> in eval mode (no running-statistics
    /// update, no random numbers drawn) and records every BatchNorm2d fed directly by a Conv2d.
    /// </summary>
    public static BatchNormFoldedWeights Trace(nn.Module model, long[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        if (model is not nn.Module<Tensor, Tensor> runnable)
            throw new ArgumentException(
                $"fold_batchnorm traces a forward pass, so the model must be an nn.Module<Tensor, Tensor>; {model.GetType().Name} is not.",
                nameof(model));
        if (inputShape.Length == 0 || inputShape.Any(d => d <= 0))
            throw new ArgumentException($"The input shape for fold_batchnorm must have positive dimensions; got [{string.Join(", ", inputShape)}].",
                nameof(inputShape));

        // A batch norm is fed directly by a convolution when the last leaf module to run before it was that
        // convolution and its input is that convolution's output. Handles alone are not enough: Sequential disposes
        // intermediate outputs, so a later tensor (e.g. a ReLU's output) can get a freed convolution output's handle.
        (string Name, IntPtr Output)? lastConv = null;
        var pairs = new Dictionary<string, (Conv2d, BatchNorm2d)>(StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var convs = new Dictionary<string, Conv2d>(StringComparer.Ordinal);
        var removers = new List<Action>();
        bool wasTraining = model.training;
        try
        {
            foreach (var (name, module) in model.named_modules())
            {
                var moduleName = name;
                if (module is Conv2d conv)
                {
                    convs[name] = conv;
                    var handle = conv.register_forward_hook((_, _, output) =>
                    {
                        lastConv = (moduleName, output.Handle);
                        return output;
                    });
                    removers.Add(handle.remove);
                }
                else if (module is BatchNorm2d bn)
                {
                    var handle = bn.register_forward_hook((_, input, output) =>
                    {
                        if (lastConv is { } producer && producer.Output == input.Handle)
                        {
                            var convName = producer.Name;
                            var key = convName.Length == 0 ? "weight" : convName + ".weight";
                            if (pairs.ContainsKey(key))
                                throw new InvalidOperationException(
                                    $"fold_batchnorm: convolution '{convName}' feeds more than one batch norm ('{names[key]}', '{moduleName}').");
                            pairs[key] = (convs[convName], bn);
                            names[key] = moduleName;
                        }
                        return output;
                    });
                    removers.Add(handle.remove);
                }
                else if (!module.children().Any() && module is nn.Module<Tensor, Tensor> leaf)
                {
                    var handle = leaf.register_forward_hook((_, _, output) =>
                    {
                        lastConv = null;
                        return output;
                    });
                    removers.Add(handle.remove);
                }
            }
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            model.eval();
            var device = model.parameters().FirstOrDefault()?.device ?? CPU;
            runnable.call(zeros(inputShape, device: device));
        }
        finally
        {
            foreach (var remove in removers)
                remove();
            model.train(wasTraining);
        }
        return new BatchNormFoldedWeights(pairs) { Pairs = names };
    }

    /// <summary>
    /// The folded weight of <paramref name="parameterName"/> (a new tensor the caller owns), or null when it is
    /// not the weight of a convolution followed by a batch norm.
    /// </summary>
    public Tensor? Fold(string parameterName)
    {
        if (!_byWeight.TryGetValue(parameterName, out var pair))
            return null;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (conv, bn) = pair;
        var sigma = (bn.running_var ?? throw new InvalidOperationException(
                $"fold_batchnorm: batch norm after '{parameterName}' tracks no running statistics."))
            .add(bn.eps).sqrt();
        var scale = bn.affine && bn.weight is not null ? bn.weight.detach().div(sigma) : sigma.reciprocal();
        return conv.weight!.detach().mul(scale.view(-1, 1, 1, 1)).MoveToOuterDisposeScope();
    }
}
