using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// Gathers one <see cref="ActivationStatistic"/> per output channel of chosen modules with TorchSharp forward hooks,
/// averaged over every forward pass since it started (or was reset), weighted by each activation's element count
/// as Distiller's <c>WeightedAverageValueMeter</c> does. The activation is the module's output after a ReLU
/// (a = max(output, 0)): on a convolution this is what the ReLU that follows it sees; hooked on the BatchNorm or ReLU
/// after it (Distiller measures the ReLU), it is exactly that module's rectified output. The running sums stay on
/// the activation's device; nothing allocated in a hook outlives it.
/// </summary>
public sealed class ActivationStatistics
{
    private readonly Dictionary<string, (Tensor Sum, double Weight)> _sums = new(StringComparer.Ordinal);

    public ActivationStatistics(ActivationStatistic statistic) => Statistic = statistic;

    public ActivationStatistic Statistic { get; }

    /// <summary>
    /// Hooks the module called <paramref name="moduleName"/> and files its statistics under <paramref name="key"/>.
    /// The module must be a single-tensor module (<c>nn.Module&lt;Tensor, Tensor&gt;</c>), called through <c>call()</c>
    /// (as <c>Sequential</c> and <c>module.call(x)</c> do — <c>forward()</c> skips hooks).
    /// </summary>
    public IDisposable Observe(nn.Module model, string moduleName, string key, string owner)
    {
        var module = ModelParameters.FindModule(model, moduleName, owner);
        if (module is not nn.Module<Tensor, Tensor> hookable)
            throw new ArgumentException(
                $"{owner}: module '{moduleName}' ({module.GetType().Name}) is not a single-tensor module (nn.Module<Tensor, Tensor>), so its activations cannot be hooked.",
                nameof(moduleName));
        var remover = hookable.register_forward_hook((_, _, output) =>
        {
            Accumulate(key, output);
            return output;
        });
        return new HookRemoval(remover);
    }

    /// <summary>Adds one activation (batch, channels, …) to the statistics filed under <paramref name="key"/>.</summary>
    public void Accumulate(string key, Tensor activation)
    {
        if (activation.dim() < 2)
            throw new ArgumentException($"Activation statistics need a (batch, channels, ...) output; '{key}' produced shape {string.Join("x", activation.shape)}.");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var a = activation.detach().relu();
        var reduce = Enumerable.Range(0, (int)a.dim()).Where(d => d != 1).Select(d => (long)d).ToArray();
        var perChannel = Statistic switch
        {
            ActivationStatistic.APoZ => a.gt(0).to_type(ScalarType.Float32).mean(reduce).neg_().add_(1).mul_(100),
            _ => a.to_type(ScalarType.Float32).mean(reduce),
        };
        double weight = a.numel();
        if (_sums.TryGetValue(key, out var running))
        {
            if (running.Sum.shape[0] != perChannel.shape[0])
                throw new InvalidOperationException($"The activation filed under '{key}' changed from {running.Sum.shape[0]} to {perChannel.shape[0]} channels.");
            running.Sum.add_(perChannel, alpha: weight);
            _sums[key] = (running.Sum, running.Weight + weight);
        }
        else
        {
            _sums[key] = (perChannel.mul(weight).DetachFromDisposeScope(), weight);
        }
    }

    /// <summary>The weighted mean per channel gathered for <paramref name="key"/>, or null when nothing was gathered.</summary>
    public Tensor? Value(string key) =>
        _sums.TryGetValue(key, out var running) ? running.Sum.div(running.Weight) : null;

    /// <summary>Forgets everything gathered so far.</summary>
    public void Reset()
    {
        foreach (var (sum, _) in _sums.Values)
            sum.Dispose();
        _sums.Clear();
    }

    private sealed class HookRemoval(nn.HookableModule<Func<nn.Module<Tensor, Tensor>, Tensor, Tensor>, Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>>.HookRemover remover) : IDisposable
    {
        private bool _removed;

        public void Dispose()
        {
            if (_removed)
                return;
            remover.remove();
            _removed = true;
        }
    }
}
