using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// The base of the filter pruners that rank convolution filters by a statistic of the feature-map channel each
/// filter produces (Distiller's <c>ActivationRankedFilterPruner</c>). The statistics are gathered by forward hooks
/// that <see cref="Observe"/> registers — by default on the module owning each weight (<c>layer1.0.conv1.weight</c> →
/// <c>layer1.0.conv1</c>); <c>activationModules</c> can point a weight at another module (Distiller reads the ReLU
/// after the convolution, e.g. <c>layer1.0.relu</c>). Ranking a filter before any statistics were gathered throws.
/// </summary>
public abstract class ActivationRankedFilterPruner : FilterRankedPruner, IModelObserver
{
    private readonly Dictionary<string, string> _activationModules;

    private protected ActivationRankedFilterPruner(string className, string name, string groupType, double desiredSparsity,
        IReadOnlyList<string> weights, string? groupDependency, IReadOnlyDictionary<string, string>? activationModules, ActivationStatistic statistic)
        : base(className, name, groupType, desiredSparsity, weights, groupDependency)
    {
        _activationModules = Weights.ToDictionary(w => w, ModelParameters.OwnerModuleName, StringComparer.Ordinal);
        foreach (var (weight, module) in activationModules ?? new Dictionary<string, string>())
        {
            if (!_activationModules.ContainsKey(weight))
                throw new ArgumentException(
                    $"{Owner}: activationModules names '{weight}', which is not one of its weights ({string.Join(", ", Weights.Select(w => $"'{w}'"))}).",
                    nameof(activationModules));
            _activationModules[weight] = module;
        }
        Statistics = new ActivationStatistics(statistic);
    }

    /// <summary>The statistics gathered so far.</summary>
    public ActivationStatistics Statistics { get; }

    /// <summary>Weight name → name of the module whose output is measured for it.</summary>
    public IReadOnlyDictionary<string, string> ActivationModules => _activationModules;

    public IDisposable Observe(nn.Module model)
    {
        var hooks = new List<IDisposable>();
        try
        {
            foreach (var weight in Weights)
                hooks.Add(Statistics.Observe(model, _activationModules[weight], weight, Owner));
        }
        catch
        {
            foreach (var hook in hooks)
                hook.Dispose();
            throw;
        }
        return new Hooks(hooks);
    }

    /// <summary>The base class's problems plus activation modules the model lacks or cannot hook.</summary>
    public override IReadOnlyList<string> FindProblems(nn.Module model)
    {
        var problems = base.FindProblems(model).ToList();
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);
        foreach (var (weight, moduleName) in _activationModules)
        {
            if (moduleName.Length > 0 && !modules.TryGetValue(moduleName, out var module))
                problems.Add($"{Owner}: the model has no module named '{moduleName}' (whose activations rank '{weight}').");
            else if ((moduleName.Length == 0 ? model : modules[moduleName]) is not nn.Module<Tensor, Tensor>)
                problems.Add($"{Owner}: module '{moduleName}' is not a single-tensor module, so its activations cannot be hooked for '{weight}'.");
        }
        return problems;
    }

    protected override Tensor? Importance(Tensor parameter, string parameterName, PruningMeta meta)
    {
        var value = Statistics.Value(parameterName)
            ?? throw new InvalidOperationException(
                $"{Owner}: no activation statistics were gathered for '{parameterName}' (module '{_activationModules[parameterName]}'). " +
                "Call Observe(model) before the forward passes whose activations should rank the filters.");
        return ImportanceOf(value);
    }

    /// <summary>Turns the per-channel statistic into importance (higher is kept).</summary>
    protected abstract Tensor ImportanceOf(Tensor statistic);

    private sealed class Hooks(List<IDisposable> hooks) : IDisposable
    {
        public void Dispose()
        {
            foreach (var hook in hooks)
                hook.Dispose();
        }
    }
}
