using Distiller.Typed.Masks;
using Distiller.Typed.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Scheduling;

/// <summary>
/// Distiller's <c>CompressionScheduler</c>: owns the model's masks (<c>zeros_mask_dict</c>) and calls every policy
/// active at an epoch, in the order policies were added. A training loop calls, per epoch,
/// <see cref="OnEpochBegin"/>, then per minibatch <see cref="OnMinibatchBegin"/> → forward →
/// <see cref="BeforeBackwardPass"/> → backward → <see cref="BeforeParameterOptimization"/> → <c>optimizer.step()</c> →
/// <see cref="OnMinibatchEnd"/>, and finally <see cref="OnEpochEnd"/>.
/// <para>
/// After every optimizer step (<see cref="OnMinibatchEnd"/>, active policies or not) every mask is re-applied to
/// its weights except those masked on the forward pass only, so SGD momentum or weight decay cannot revive a
/// pruned weight. Gradients of maskers with <c>mask_gradients</c> are multiplied by their mask before the
/// optimizer step (Distiller does this with a backward hook living from the pruning policy's first epoch to the
/// end of its last).
/// </para>
/// </summary>
public sealed class CompressionScheduler : IDisposable
{
    private readonly List<ScheduledPolicy> _policies = new();
    private readonly Dictionary<int, List<ScheduledPolicy>> _byEpoch = new();
    private readonly bool _ownsMasks;
    private readonly List<IDisposable> _owned = new();

    /// <param name="model">The model whose parameters are masked.</param>
    /// <param name="optimizer">Passed to policies in every context (LR policies need it).</param>
    /// <param name="masks">Masks to share; by default one empty mask per parameter, owned by the scheduler.</param>
    public CompressionScheduler(nn.Module model, optim.Optimizer? optimizer = null, MaskDictionary? masks = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Optimizer = optimizer;
        _ownsMasks = masks is null;
        Masks = masks ?? MaskDictionary.For(model);
    }

    public nn.Module Model { get; }

    public optim.Optimizer? Optimizer { get; set; }

    /// <summary>Every parameter's masker by parameter name (Distiller's <c>zeros_mask_dict</c>).</summary>
    public MaskDictionary Masks { get; }

    /// <summary>Every policy with its schedule, in the order added.</summary>
    public IReadOnlyList<ScheduledPolicy> Policies => _policies;

    /// <summary>Runs <paramref name="policy"/> on <c>range(startingEpoch, endingEpoch, frequency)</c> (ending excluded).</summary>
    public void AddPolicy(Policy policy, int startingEpoch, int endingEpoch, int frequency = 1) =>
        AddPolicy(policy, PolicySchedule.Range(startingEpoch, endingEpoch, frequency));

    /// <summary>Runs <paramref name="policy"/> on exactly <paramref name="epochs"/>.</summary>
    public void AddPolicy(Policy policy, IEnumerable<int> epochs) => AddPolicy(policy, PolicySchedule.FromEpochs(epochs));

    public void AddPolicy(Policy policy, PolicySchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(schedule);
        if (_policies.Any(p => ReferenceEquals(p.Policy, policy)))
            throw new ArgumentException($"Policy '{policy.Name}' was already added; add each policy object once.", nameof(policy));
        var (owner, names) = policy switch
        {
            PruningPolicy pruning => ($"pruner '{pruning.Pruner.Name}'", pruning.Pruner.ParameterNames),
            RegularizationPolicy regularization => ($"regularizer '{regularization.Regularizer.Name}'", regularization.Regularizer.ParameterNames),
            _ => ("", (IReadOnlyCollection<string>)Array.Empty<string>()),
        };
        var unknown = names.Where(n => n != "*" && !Masks.ContainsKey(n)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException(
                $"The {owner} of policy '{policy.Name}' names parameters the model does not have: {string.Join(", ", unknown.Select(n => $"'{n}'"))}. " +
                $"The model's parameters are: {string.Join(", ", Masks.Keys)}.", nameof(policy));
        var scheduled = new ScheduledPolicy(policy, schedule);
        _policies.Add(scheduled);
        foreach (var epoch in schedule.Epochs)
        {
            if (!_byEpoch.TryGetValue(epoch, out var list))
                _byEpoch[epoch] = list = new List<ScheduledPolicy>();
            list.Add(scheduled);
        }
    }

    /// <summary>
    /// Hands the scheduler something to dispose with it — e.g. the forward hooks an activation-ranked pruner registered
    /// through <see cref="Pruning.IModelObserver.Observe"/>. Disposed in reverse order of hand-over.
    /// </summary>
    public void Own(IDisposable resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        _owned.Add(resource);
    }

    /// <summary>The policies that run at <paramref name="epoch"/>, in the order they were added.</summary>
    public IReadOnlyList<Policy> ActivePolicies(int epoch) =>
        _byEpoch.TryGetValue(epoch, out var list) ? list.Select(p => p.Policy).ToArray() : Array.Empty<Policy>();

    public void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double>? metrics = null)
    {
        foreach (var p in Active(epoch))
            p.Policy.OnEpochBegin(EpochContext(epoch, p.Schedule, metrics));
    }

    public void OnMinibatchBegin(int epoch, int minibatchId, int minibatchesPerEpoch)
    {
        ValidateMinibatch(minibatchId, minibatchesPerEpoch);
        foreach (var p in Active(epoch))
            p.Policy.OnMinibatchBegin(MinibatchContext(epoch, minibatchId, minibatchesPerEpoch, p.Schedule));
    }

    /// <summary>
    /// Returns the loss with every active policy's term added (each policy sees the loss the previous one
    /// returned) and those terms by name (Distiller's <c>before_backward_pass(..., return_loss_components=True)</c>).
    /// </summary>
    public PolicyLoss BeforeBackwardPass(int epoch, int minibatchId, int minibatchesPerEpoch, Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ValidateMinibatch(minibatchId, minibatchesPerEpoch);
        var overall = loss;
        var components = new List<LossComponent>();
        foreach (var p in Active(epoch))
        {
            var policyLoss = p.Policy.BeforeBackwardPass(MinibatchContext(epoch, minibatchId, minibatchesPerEpoch, p.Schedule), overall);
            if (policyLoss is null)
                continue;
            overall = policyLoss.OverallLoss ?? throw new InvalidOperationException(
                $"Policy '{p.Policy.Name}' returned a PolicyLoss without an overall loss.");
            components.AddRange(policyLoss.Components ?? Array.Empty<LossComponent>());
        }
        return new PolicyLoss(overall, components);
    }

    public void BeforeParameterOptimization(int epoch, int minibatchId, int minibatchesPerEpoch)
    {
        ValidateMinibatch(minibatchId, minibatchesPerEpoch);
        MaskGradients();
        foreach (var p in Active(epoch))
            p.Policy.BeforeParameterOptimization(MinibatchContext(epoch, minibatchId, minibatchesPerEpoch, p.Schedule));
    }

    /// <summary>Re-applies every mask after the optimizer step, then calls the active policies.</summary>
    public void OnMinibatchEnd(int epoch, int minibatchId, int minibatchesPerEpoch)
    {
        ValidateMinibatch(minibatchId, minibatchesPerEpoch);
        MaskAllWeights(isForward: false);
        foreach (var p in Active(epoch))
            p.Policy.OnMinibatchEnd(MinibatchContext(epoch, minibatchId, minibatchesPerEpoch, p.Schedule));
    }

    public void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double>? metrics = null)
    {
        foreach (var p in Active(epoch))
            p.Policy.OnEpochEnd(EpochContext(epoch, p.Schedule, metrics));
    }

    /// <summary>
    /// Multiplies every masked parameter by its mask in place (Distiller's <c>mask_all_weights</c>). With
    /// <paramref name="isForward"/> false, parameters masked on the forward pass only are left alone. Parameters
    /// the mask dictionary does not know (added after the scheduler was made, e.g. a quantizer's clip value) are
    /// not masked, as in Distiller; a quantizer's <c>float_</c> copy or <c>wrapped_module</c> name is mapped back
    /// to the original parameter's mask.
    /// </summary>
    public void MaskAllWeights(bool isForward = true)
    {
        foreach (var (name, parameter) in Model.named_parameters())
        {
            if (Masks.TryGetValue(name, out var masker))
            {
                if (isForward || !masker.MaskOnForwardOnly)
                    masker.MaskTensor(parameter);
            }
            else if (OriginalName(name) is { } original && Masks.TryGetValue(original, out var originalMasker))
            {
                originalMasker.ApplyMask(parameter);
            }
        }
    }

    /// <summary>
    /// The scheduler's whole state: every mask (<c>masks/&lt;param&gt;</c>, cloned), every masker's flags
    /// (<c>maskers/&lt;param&gt;/...</c>) and every policy's progress (<c>policies/&lt;index&gt;/...</c>, with the
    /// policy's type and name under <c>policies/&lt;index&gt;/#type</c> and <c>#name</c>). The caller owns the tensors.
    /// </summary>
    public Dictionary<string, object> StateDict()
    {
        var state = new Dictionary<string, object>(StringComparer.Ordinal);
        using var scope = NewDisposeScope();
        foreach (var (name, masker) in Masks)
        {
            if (masker.Mask is { } mask)
                state["masks/" + name] = mask.detach().clone().DetachFromDisposeScope();
            var prefix = "maskers/" + name + "/";
            state[prefix + "is_regularization_mask"] = masker.IsRegularizationMask;
            state[prefix + "mask_on_forward_only"] = masker.MaskOnForwardOnly;
            state[prefix + "use_double_copies"] = masker.UseDoubleCopies;
            state[prefix + "mask_gradients"] = masker.MaskGradients;
        }
        for (int i = 0; i < _policies.Count; i++)
        {
            var policy = _policies[i].Policy;
            var policyState = new Dictionary<string, object>(StringComparer.Ordinal);
            policy.SaveState(policyState);
            var prefix = $"policies/{i}/";
            state[prefix + "#type"] = policy.GetType().Name;
            state[prefix + "#name"] = policy.Name;
            foreach (var (key, value) in policyState)
                state[prefix + key] = value is Tensor t ? t.DetachFromDisposeScope() : value;
        }
        return state;
    }

    /// <summary>
    /// Restores what <see cref="StateDict"/> returned into this scheduler, which must hold the same policies in
    /// the same order (checked by type and name) and a model with the same parameters. Masks are copied onto each
    /// parameter's device; the caller keeps ownership of the tensors in <paramref name="state"/> (and
    /// <see cref="LoadState(Stream)"/> disposes them afterwards), so a policy clones any tensor it keeps.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, object> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var problems = new List<string>();
        var parameters = Model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter, StringComparer.Ordinal);
        foreach (var key in state.Keys.Where(k => k.StartsWith("masks/", StringComparison.Ordinal)))
        {
            var name = key["masks/".Length..];
            if (!Masks.ContainsKey(name))
                problems.Add($"the state has a mask for '{name}', which the model does not have");
            else if (state[key] is not Tensor mask)
                problems.Add($"'{key}' is not a tensor");
            else if (parameters.TryGetValue(name, out var p) && !mask.shape.SequenceEqual(p.shape))
                problems.Add($"the mask of '{name}' has shape [{string.Join(", ", mask.shape)}] but the parameter has [{string.Join(", ", p.shape)}]");
        }
        int savedPolicies = state.Keys.Where(k => k.StartsWith("policies/", StringComparison.Ordinal) && k.EndsWith("/#type", StringComparison.Ordinal)).Count();
        if (savedPolicies != _policies.Count)
            problems.Add($"the state holds {savedPolicies} policies but this scheduler has {_policies.Count}");
        for (int i = 0; i < Math.Min(savedPolicies, _policies.Count); i++)
        {
            var policy = _policies[i].Policy;
            var type = state.TryGetValue($"policies/{i}/#type", out var t) ? t as string : null;
            var name = state.TryGetValue($"policies/{i}/#name", out var n) ? n as string : null;
            if (type != policy.GetType().Name || name != policy.Name)
                problems.Add($"policy {i} was saved as {type} '{name}' but is {policy.GetType().Name} '{policy.Name}' here");
        }
        if (problems.Count > 0)
            throw new InvalidDataException("The scheduler state does not match this scheduler:" + Environment.NewLine + "- " +
                                           string.Join(Environment.NewLine + "- ", problems));

        using var scope = NewDisposeScope();
        foreach (var (name, masker) in Masks)
        {
            masker.Mask = state.TryGetValue("masks/" + name, out var mask)
                ? ((Tensor)mask).detach().to(parameters.TryGetValue(name, out var p) ? p.device : ((Tensor)mask).device).clone()
                : null;
            var prefix = "maskers/" + name + "/";
            masker.IsRegularizationMask = Flag(state, prefix + "is_regularization_mask");
            masker.MaskOnForwardOnly = Flag(state, prefix + "mask_on_forward_only");
            masker.UseDoubleCopies = Flag(state, prefix + "use_double_copies");
            masker.MaskGradients = Flag(state, prefix + "mask_gradients");
        }
        for (int i = 0; i < _policies.Count; i++)
        {
            var prefix = $"policies/{i}/";
            _policies[i].Policy.LoadState(state
                .Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && !kv.Key.StartsWith(prefix + "#", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal));
        }
    }

    /// <summary>Writes <see cref="StateDict"/> to <paramref name="path"/> (see <see cref="SchedulerStateFile"/>).</summary>
    public void SaveState(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var stream = File.Create(path);
        SaveState(stream);
    }

    public void SaveState(Stream stream)
    {
        var state = StateDict();
        try { SchedulerStateFile.Write(stream, state); }
        finally { DisposeTensors(state); }
    }

    /// <summary>Loads a state written by <see cref="SaveState(string)"/> into this scheduler.</summary>
    public void LoadState(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"No scheduler state at '{path}'.", path);
        using var stream = File.OpenRead(path);
        LoadState(stream);
    }

    public void LoadState(Stream stream)
    {
        var state = SchedulerStateFile.Read(stream);
        try { LoadStateDict(state); }
        finally { DisposeTensors(state); }
    }

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
            _owned[i].Dispose();
        _owned.Clear();
        if (_ownsMasks)
            Masks.Dispose();
    }

    private static void DisposeTensors(Dictionary<string, object> state)
    {
        foreach (var value in state.Values)
            (value as Tensor)?.Dispose();
    }

    private static bool Flag(IReadOnlyDictionary<string, object> state, string key) =>
        state.TryGetValue(key, out var value) && value is bool b && b;

    private IReadOnlyList<ScheduledPolicy> Active(int epoch) =>
        _byEpoch.TryGetValue(epoch, out var list) ? list : Array.Empty<ScheduledPolicy>();

    private void MaskGradients()
    {
        foreach (var (name, parameter) in Model.named_parameters())
            if (Masks.TryGetValue(name, out var masker) && masker.MaskGradients && masker.Mask is not null)
            {
                using var grad = parameter.grad; // a new handle on the gradient; disposing it leaves the gradient alone
                masker.MaskTensor(grad);
            }
    }

    private EpochContext EpochContext(int epoch, PolicySchedule schedule, IReadOnlyDictionary<string, double>? metrics) =>
        new(Model, Masks, epoch, Optimizer) { Schedule = schedule, Metrics = metrics ?? new Dictionary<string, double>() };

    private MinibatchContext MinibatchContext(int epoch, int minibatchId, int minibatchesPerEpoch, PolicySchedule schedule) =>
        new(Model, Masks, epoch, minibatchId, minibatchesPerEpoch, Optimizer) { Schedule = schedule };

    private static void ValidateMinibatch(int minibatchId, int minibatchesPerEpoch)
    {
        if (minibatchesPerEpoch <= 0)
            throw new ArgumentOutOfRangeException(nameof(minibatchesPerEpoch), minibatchesPerEpoch, "minibatchesPerEpoch must be 1 or more.");
        if (minibatchId < 0 || minibatchId >= minibatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(minibatchId), minibatchId,
                $"minibatchId must be in [0, {minibatchesPerEpoch - 1}] (minibatchesPerEpoch is {minibatchesPerEpoch}).");
    }

    /// <summary>Maps a quantizer's renamed parameter back to the original name (Distiller's FP_BKP_PREFIX / wrapped_module).</summary>
    private static string? OriginalName(string name)
    {
        var parts = name.Split('.').ToList();
        bool prefixed = parts[^1].StartsWith("float_", StringComparison.Ordinal);
        bool wrapped = parts.Count >= 2 && parts[^2] == "wrapped_module";
        if (!prefixed && !wrapped)
            return null;
        if (prefixed)
            parts[^1] = parts[^1]["float_".Length..];
        if (wrapped)
            parts.RemoveAt(parts.Count - 2);
        return string.Join('.', parts);
    }
}
