using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization;

/// <summary>
/// Base of all quantizers (Distiller's <c>Quantizer</c>). From the default bit-widths and the ordered
/// <see cref="QuantizerOverrides"/> it computes every module's <see cref="QBits"/> (weights and bias bits are kept
/// only for Conv, Linear and Embedding layers). <see cref="PrepareModel"/> — called once, before the optimizer steps —
/// replaces modules through the subclass's <see cref="ReplacementFactories"/> under their original names, makes layers
/// compute with quantized copies of their float weights when <c>train_with_fp_copy</c> is set
/// (<see cref="InPlaceWeightQuantization"/>: names and parameters unchanged), and adds the new
/// parameters the subclass creates to the optimizer in their own groups. <see cref="QuantizeParams"/> re-quantizes
/// every parameter with the subclass's <see cref="ParamQuantization"/> function.
/// </summary>
public abstract class Quantizer
{
    private static readonly string[] BitsKeys = { "bits_activations", "bits_weights", "bits_bias" };

    private readonly Dictionary<string, QBits> _moduleQBits = new();
    private readonly Dictionary<string, Dictionary<string, object?>> _moduleOverrides = new();
    private readonly List<ParamToQuantize> _paramsToQuantize = new();
    private readonly List<string> _originalModuleNames;

    protected Quantizer(nn.Module model, optim.Optimizer? optimizer, int? bitsActivations, int? bitsWeights, int? bitsBias,
        QuantizerOverrides? overrides, bool trainWithFpCopy)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (trainWithFpCopy && optimizer is null)
            throw new ArgumentNullException(nameof(optimizer), "optimizer cannot be null when train_with_fp_copy is true.");
        foreach (var (bits, arg) in new[] { (bitsActivations, "bits_activations"), (bitsWeights, "bits_weights"), (bitsBias, "bits_bias") })
            if (bits is < 1 or > 32)
                throw new ArgumentOutOfRangeException(arg, bits, $"{arg} must be between 1 and 32, or null for no quantization.");

        Model = model;
        Optimizer = optimizer;
        DefaultQBits = new QBits(bitsActivations, bitsWeights, bitsBias);
        Overrides = overrides ?? new QuantizerOverrides();
        TrainWithFpCopy = trainWithFpCopy;
        _originalModuleNames = model.named_modules().Select(m => m.name).ToList();

        foreach (var (name, module) in model.named_modules())
        {
            var qbits = DefaultQBits;
            var entry = new Dictionary<string, object?>();
            if (Overrides.Resolve(name) is { } match)
            {
                var s = match.Settings;
                qbits = new QBits(
                    s.TryGetValue("bits_activations", out var a) ? QuantizerArguments.ToNullableInt(a, "bits_activations", $"Override '{match.Key}'") : DefaultQBits.Activations,
                    s.TryGetValue("bits_weights", out var w) ? QuantizerArguments.ToNullableInt(w, "bits_weights", $"Override '{match.Key}'") : DefaultQBits.Weights,
                    s.TryGetValue("bits_bias", out var b) ? QuantizerArguments.ToNullableInt(b, "bits_bias", $"Override '{match.Key}'") : DefaultQBits.Bias);
                foreach (var (k, v) in s)
                    if (!BitsKeys.Contains(k))
                        entry[k] = v;
            }
            foreach (var (bits, arg) in new[] { (qbits.Activations, "bits_activations"), (qbits.Weights, "bits_weights"), (qbits.Bias, "bits_bias") })
                if (bits is < 1 or > 32)
                    throw new ArgumentOutOfRangeException("overrides", bits, $"Override for module '{name}': {arg} must be between 1 and 32, or null.");
            AddQBitsEntry(name, module, qbits);
            _moduleOverrides[name] = entry;
        }
    }

    public nn.Module Model { get; }
    public optim.Optimizer? Optimizer { get; }
    public QBits DefaultQBits { get; }
    public QuantizerOverrides Overrides { get; }
    public bool TrainWithFpCopy { get; }
    public bool Prepared { get; private set; }

    /// <summary>Every module's bit-widths by full name (Distiller's <c>module_qbits_map</c>).</summary>
    public IReadOnlyDictionary<string, QBits> ModuleQBits => _moduleQBits;

    /// <summary>Every module's override arguments other than the bit-widths (Distiller's <c>module_overrides_map</c>).</summary>
    public IReadOnlyDictionary<string, Dictionary<string, object?>> ModuleOverrides => _moduleOverrides;

    public IReadOnlyList<ParamToQuantize> ParamsToQuantize => _paramsToQuantize;

    /// <summary>Replacement functions by module type (the most derived registered type of a module wins).</summary>
    protected Dictionary<Type, ReplacementFactory?> ReplacementFactories { get; } = new() { [typeof(Identity)] = null };

    /// <summary>Used for module types without an entry in <see cref="ReplacementFactories"/>.</summary>
    protected ReplacementFactory? DefaultReplacement { get; set; }

    /// <summary>Module types never replaced (their children are still visited).</summary>
    protected List<Type> ReplacementBlacklist { get; } = new();

    /// <summary>Computes the quantized value of a float parameter (Distiller's <c>param_quantization_fn</c>).</summary>
    protected Func<Tensor, ParamToQuantize, Tensor>? ParamQuantization { get; set; }

    /// <summary>Modules replaced so far: original → (name, replacement).</summary>
    protected Dictionary<nn.Module, (string Name, nn.Module? Replacement)> ModulesProcessed { get; } = new(ReferenceEqualityComparer.Instance);

    private void AddQBitsEntry(string name, nn.Module module, QBits qbits)
    {
        // Only Conv, Linear and Embedding weights are quantized (not e.g. batch-norm scales).
        if (!ParamLayerOp.Supports(module))
            qbits = qbits with { Weights = null, Bias = null };
        _moduleQBits[name] = qbits;
    }

    /// <summary>
    /// Replaces modules with their quantized counterparts (once). <paramref name="dummyInput"/> lets quantizers that
    /// need the data flow (batch-norm folding, ReLU fusion) trace the model.
    /// </summary>
    public void PrepareModel(Tensor? dummyInput = null)
    {
        if (Prepared)
            throw new InvalidOperationException("PrepareModel can be called only once.");
        CheckOverridesMatchModel();

        PrePrepareModel(dummyInput);
        PreProcessContainer(Model, "");

        var toQuantize = new List<(string Name, nn.Module Module, QBits QBits)>();
        foreach (var (name, module) in Model.named_modules())
        {
            if (!_moduleQBits.TryGetValue(name, out var qbits) || (qbits.Weights is null && qbits.Bias is null))
                continue;
            if (ParamLayerOp.Supports(module))
                toQuantize.Add((name, module, qbits));
        }
        foreach (var (name, module, qbits) in toQuantize)
        {
            var op = ParamLayerOp.For(module, name);
            bool quantWeight = qbits.Weights is not null;
            bool quantBias = qbits.Bias is not null && op.Bias is not null;
            if (TrainWithFpCopy)
            {
                if (!quantWeight)
                    throw new ArgumentException($"Module '{name}': with train_with_fp_copy the bias cannot be quantized while the weights stay in float.");
                InPlaceWeightQuantization.Attach(module, name, quantBias, (t, attr) =>
                    ParamQuantization!(t, new ParamToQuantize(module, name, attr, attr, attr == "bias" ? qbits.Bias!.Value : qbits.Weights!.Value)));
                _paramsToQuantize.Add(new ParamToQuantize(module, name, "weight", "weight", qbits.Weights!.Value));
                if (quantBias)
                    _paramsToQuantize.Add(new ParamToQuantize(module, name, "bias", "bias", qbits.Bias!.Value));
            }
            else
            {
                if (quantWeight)
                    _paramsToQuantize.Add(new ParamToQuantize(module, name, "weight", "weight", qbits.Weights!.Value));
                if (quantBias)
                    _paramsToQuantize.Add(new ParamToQuantize(module, name, "bias", "bias", qbits.Bias!.Value));
            }
        }

        if (Optimizer is not null)
            foreach (var group in NewOptimizerParamGroups())
                if (group.Parameters.Count > 0)
                    OptimizerParamGroups.Add(Optimizer, group);

        PostPrepareModel();
        Prepared = true;
    }

    /// <summary>
    /// A quantizer configured at run time gets the checks the generator gives schedules at compile time: every
    /// override key must match at least one module of the model.
    /// </summary>
    private void CheckOverridesMatchModel()
    {
        var unmatched = Overrides.Select(o => o.Key).Where(k => !_originalModuleNames.Any(n => Overrides.Matches(k, n))).ToList();
        if (unmatched.Count > 0)
            throw new ArgumentException(
                $"{GetType().Name} overrides match no module of the model: {string.Join(", ", unmatched.Select(u => $"'{u}'"))}. " +
                $"Module names: {string.Join(", ", _originalModuleNames.Where(n => n.Length > 0))}.", "overrides");
    }

    /// <summary>
    /// Puts a module the quantizer created where the model's parameters are, before anything (the optimizer) holds its
    /// tensors: on their device, and — for quantizers that train — in their floating type. Post-training wrappers keep
    /// the types they computed (float64 accumulators, float32 scales as Distiller).
    /// </summary>
    protected void PlaceLikeModel(nn.Module module)
    {
        if (Model.parameters().FirstOrDefault(p => p.is_floating_point()) is not { } reference)
            return;
        if (TrainWithFpCopy)
            module.to(reference.device, reference.dtype);
        else
            module.to(reference.device);
    }

    protected virtual void PrePrepareModel(Tensor? dummyInput) { }

    protected virtual void PostPrepareModel() { }

    /// <summary>New trainable parameters the quantizer added, each group with its own settings.</summary>
    protected virtual IEnumerable<NewParamGroup> NewOptimizerParamGroups() => Array.Empty<NewParamGroup>();

    private ReplacementFactory? FactoryFor(nn.Module module, out bool registered)
    {
        for (var t = module.GetType(); t is not null && t != typeof(object); t = t.BaseType)
            if (ReplacementFactories.TryGetValue(t, out var f))
            {
                registered = true;
                return f;
            }
        registered = false;
        return DefaultReplacement;
    }

    private void PreProcessContainer(nn.Module container, string prefix)
    {
        foreach (var (childName, module) in container.named_children().ToList())
        {
            string fullName = prefix + childName;
            if (ReplacementBlacklist.Any(t => t.IsInstanceOfType(module)))
                continue;
            if (ModulesProcessed.TryGetValue(module, out var previous))
            {
                if (previous.Replacement is not null)
                    ModuleTree.ReplaceChild(container, childName, previous.Replacement, fullName);
                continue;
            }
            var qbits = _moduleQBits[fullName];
            if (qbits.Activations is null && qbits.Weights is null && _moduleOverrides[fullName].Count == 0)
            {
                ModulesProcessed[module] = (fullName, null);
            }
            else
            {
                var factory = FactoryFor(module, out _);
                if (factory is not null)
                {
                    var args = _moduleOverrides[fullName];
                    var invalid = args.Keys.Where(k => !factory.AcceptedArguments.Contains(k)).ToList();
                    if (invalid.Count > 0)
                        throw new ArgumentException(
                            $"{GetType().Name} doesn't accept {string.Join(", ", invalid.Select(k => $"'{k}'"))} as override arguments for module " +
                            $"'{fullName}' ({module.GetType().Name}). Allowed: bits_activations, bits_weights, bits_bias" +
                            (factory.AcceptedArguments.Count > 0 ? ", " + string.Join(", ", factory.AcceptedArguments.Order()) : "") + ".", "overrides");
                    bool hadChildren = ModuleTree.HasChildren(module);
                    var replacement = factory.Create(new ReplacementRequest(module, fullName, _moduleQBits, args));
                    if (!ReferenceEquals(replacement, module))
                    {
                        PlaceLikeModel(replacement);
                        ModulesProcessed[module] = (fullName, replacement);
                        ModuleTree.ReplaceChild(container, childName, replacement, fullName);
                        if (!hadChildren && ModuleTree.HasChildren(replacement))
                        {
                            foreach (var (subName, sub) in replacement.named_modules())
                                AddQBitsEntry(fullName + "." + subName, sub, qbits);
                            _moduleQBits[fullName] = qbits with { Weights = null, Bias = null };
                            foreach (var (subName, _) in replacement.named_modules())
                                _moduleOverrides.TryAdd(fullName + "." + subName, new Dictionary<string, object?>());
                        }
                    }
                    else
                    {
                        ModulesProcessed[module] = (fullName, null);
                    }
                }
            }
            if (ModuleTree.HasChildren(module))
                PreProcessContainer(module, fullName + ".");
        }
    }

    /// <summary>
    /// After the model ran at least once: an error naming every quantized module whose hooks never ran. Quantization
    /// of layers and of modules held in narrowly typed fields works through hooks, which TorchSharp runs only when the
    /// parent calls the child with <c>call()</c>; a parent that calls <c>.forward()</c> would leave them in float.
    /// </summary>
    public void CheckQuantizedModulesRan()
    {
        var silent = _paramsToQuantize.Where(p => TrainWithFpCopy && p.QAttrName == "weight" && InPlaceWeightQuantization.Calls(p.Module) == 0)
            .Select(p => p.ModuleName)
            .Concat(ModulesProcessed.Where(m => m.Value.Replacement is { } r && ReferenceEquals(ModuleRedirect.Target(m.Key), r) && ModuleRedirect.Redirected(m.Key) == 0)
                .Select(m => m.Value.Name))
            .Distinct().ToList();
        if (silent.Count > 0)
            throw new InvalidOperationException(
                $"{GetType().Name}: the model ran, but not through the quantization hooks of {string.Join(", ", silent.Select(n => $"'{n}'"))}: their " +
                "parent's forward calls them with .forward(), which skips hooks, so they would stay in float. Call children with .call(x) " +
                "(as Sequential does), or leave unused modules out with an override setting their bits to null.");
    }

    /// <summary>
    /// Quantizes every parameter in <see cref="ParamsToQuantize"/> with <see cref="ParamQuantization"/>, in place.
    /// With <c>train_with_fp_copy</c> there is nothing to write: the parameters stay float and each layer quantizes
    /// them when it is called (<see cref="InPlaceWeightQuantization"/>).
    /// </summary>
    public void QuantizeParams()
    {
        if (ParamQuantization is null)
            throw new InvalidOperationException($"{GetType().Name} defines no parameter quantization function.");
        if (TrainWithFpCopy)
            return;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var p in _paramsToQuantize)
        {
            var param = p.Module.named_parameters(recurse: false).First(x => x.name == p.FpAttrName).parameter;
            param.copy_(ParamQuantization(param, p));
        }
    }
}
