using Distiller.Typed.Masks;
using Distiller.Typed.Policies;
using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Training;

/// <summary>
/// <see cref="ICompressionHooks"/> for a fixed list of policies active in every epoch (each may still decide for
/// itself, as <see cref="KnowledgeDistillationPolicy.StartEpoch"/> does). Loss terms chain as in Distiller's
/// scheduler: each policy receives the loss the previous one returned.
/// </summary>
public sealed class PolicyList : ICompressionHooks
{
    private readonly IReadOnlyList<Policy> _policies;

    public PolicyList(nn.Module model, IEnumerable<Policy> policies)
    {
        Masks = MaskDictionary.For(model);
        _policies = [.. policies];
        var duplicate = _policies.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Two policies are named '{duplicate.Key}'; their saved states would collide.", nameof(policies));
    }

    public MaskDictionary Masks { get; }

    public void OnEpochBegin(EpochContext context)
    {
        foreach (var policy in _policies)
            policy.OnEpochBegin(context);
    }

    public void OnMinibatchBegin(MinibatchContext context)
    {
        foreach (var policy in _policies)
            policy.OnMinibatchBegin(context);
    }

    public PolicyLoss? BeforeBackwardPass(MinibatchContext context, Tensor loss)
    {
        PolicyLoss? result = null;
        var components = new List<LossComponent>();
        foreach (var policy in _policies)
        {
            var added = policy.BeforeBackwardPass(context, result?.OverallLoss ?? loss);
            if (added is null)
                continue;
            components.AddRange(added.Components);
            result = new PolicyLoss(added.OverallLoss, components);
        }
        return result;
    }

    public void BeforeParameterOptimization(MinibatchContext context)
    {
        foreach (var policy in _policies)
            policy.BeforeParameterOptimization(context);
    }

    public void OnMinibatchEnd(MinibatchContext context)
    {
        foreach (var policy in _policies)
            policy.OnMinibatchEnd(context);
    }

    public void OnEpochEnd(EpochContext context)
    {
        foreach (var policy in _policies)
            policy.OnEpochEnd(context);
    }

    public void SaveState(IDictionary<string, object> state)
    {
        foreach (var policy in _policies)
        {
            var own = new Dictionary<string, object>(StringComparer.Ordinal);
            policy.SaveState(own);
            state[policy.Name] = own;
        }
    }

    public void LoadState(IReadOnlyDictionary<string, object> state)
    {
        foreach (var policy in _policies)
            if (state.TryGetValue(policy.Name, out var own) && own is IReadOnlyDictionary<string, object> dictionary)
                policy.LoadState(dictionary);
    }

    public void Dispose() => Masks.Dispose();
}
