using Distiller.Typed.Quantization.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.PostTraining;

/// <summary>
/// Post-training range-based linear quantization of a trained model (Distiller's <c>PostTrainLinearQuantizer</c>).
/// Conv and Linear layers become <see cref="RangeLinearQuantParamLayerWrapper"/>s (integer weights, integer
/// accumulation), Embeddings <see cref="RangeLinearEmbeddingWrapper"/>s, <see cref="EltwiseAdd"/> /
/// <see cref="EltwiseMult"/> / <see cref="Concat"/> their quantized wrappers (these need statistics), and every other
/// leaf a <see cref="RangeLinearFakeQuantWrapper"/>; dropouts are left alone. Quantization parameters come from
/// calibration statistics (static) or from each batch (dynamic, without statistics). Before replacing,
/// <see cref="Quantizer.PrepareModel"/> traces the model with the dummy input, folds batch-norms into the layers before
/// them (moving the batch-norm's output statistics to the layer), clips the statistics of layers followed by a ReLU to
/// [0, max] (Tanh: ±4, Sigmoid: ±6), and absorbs such a ReLU into the layer's range (the layer gets <c>clip_half_range</c>, the ReLU becomes a
/// pass-through under its own name).
/// </summary>
public class PostTrainLinearQuantizer : Quantizer
{
    private static readonly string[] ParamLayerArgs = { "mode", "clip_acts", "clip_n_stds", "clip_half_range", "per_channel_wts" };
    private static readonly string[] NonParamArgs = { "mode", "clip_acts", "clip_n_stds", "clip_half_range" };
    private static readonly string[] FakeArgs = { "mode", "clip_acts", "clip_n_stds", "clip_half_range", "make_identity", "quantize_inputs" };

    private readonly Dictionary<string, ModuleStats> _stats;
    private readonly List<string> _warnings = new();
    private ModelTrace? _trace;

    public PostTrainLinearQuantizer(nn.Module model, int? bitsActivations = 8, int? bitsParameters = 8, int bitsAccum = 32,
        QuantizerOverrides? overrides = null, ModuleQuantMode? mode = null, ClipMode clipActs = ClipMode.None, bool perChannelWts = false,
        IReadOnlyDictionary<string, ModuleStats>? modelActivationStats = null, double? clipNStds = null, bool clipHalfRange = false,
        bool inputsQuantAutoFallback = true)
        : base(model, null, bitsActivations, bitsParameters, bitsAccum, overrides, trainWithFpCopy: false)
    {
        if (clipActs == ClipMode.NStd && clipNStds is null)
            throw new ArgumentException("clip_n_stds must be set when clip_acts is n_std.", nameof(clipNStds));
        if (clipNStds is <= 0)
            throw new ArgumentOutOfRangeException(nameof(clipNStds), clipNStds, "clip_n_stds must be > 0.");
        Mode = mode ?? new ModuleQuantMode(LinearQuantMode.Symmetric);
        ClipActs = clipActs;
        PerChannelWts = perChannelWts;
        ClipNStds = clipNStds;
        ClipHalfRange = clipHalfRange;
        BitsAccum = bitsAccum;
        InputsQuantAutoFallback = inputsQuantAutoFallback;
        _stats = modelActivationStats is null ? new() : new Dictionary<string, ModuleStats>(modelActivationStats);

        var paramLayer = new ReplacementFactory(ParamLayerArgs, ReplaceParamLayer);
        foreach (var t in new[] { typeof(Conv1d), typeof(Conv2d), typeof(Conv3d), typeof(Linear) })
            ReplacementFactories[t] = paramLayer;
        ReplacementFactories[typeof(EltwiseAdd)] = new ReplacementFactory(NonParamArgs, r => ReplaceNonParam(r,
            (m, bits, md, clip, stats, nstd, half) => new RangeLinearQuantEltwiseAddWrapper((EltwiseAdd)m, r.Name, bits, md, clip, stats, nstd, half, InputsQuantAutoFallback)));
        ReplacementFactories[typeof(EltwiseMult)] = new ReplacementFactory(NonParamArgs, r => ReplaceNonParam(r,
            (m, bits, md, clip, stats, nstd, half) => new RangeLinearQuantEltwiseMultWrapper((EltwiseMult)m, r.Name, bits, md, clip, stats, nstd, half, InputsQuantAutoFallback)));
        ReplacementFactories[typeof(Concat)] = new ReplacementFactory(NonParamArgs, r => ReplaceNonParam(r,
            (m, bits, md, clip, stats, nstd, half) => new RangeLinearQuantConcatWrapper((Concat)m, r.Name, bits, md, clip, stats, nstd, half, InputsQuantAutoFallback)));
        ReplacementFactories[typeof(Embedding)] = new ReplacementFactory(new[] { "mode", "clip_half_range" }, r =>
            r.QBits.Weights is { } bits
                ? new RangeLinearEmbeddingWrapper((Embedding)r.Module, r.Name, bits, ArgMode(r), _stats.GetValueOrDefault(r.Name))
                : r.Module);
        DefaultReplacement = new ReplacementFactory(FakeArgs, ReplaceFakeQuant);
        ReplacementBlacklist.AddRange(new[] { typeof(Dropout), typeof(Dropout1d), typeof(Dropout2d), typeof(Dropout3d), typeof(AlphaDropout), typeof(FeatureAlphaDropout) });
    }

    public ModuleQuantMode Mode { get; }
    public ClipMode ClipActs { get; }
    public bool PerChannelWts { get; }
    public double? ClipNStds { get; }
    public bool ClipHalfRange { get; }
    public int BitsAccum { get; }
    public bool InputsQuantAutoFallback { get; }

    /// <summary>The statistics in use, after batch-norm folding and ReLU clipping updated them.</summary>
    public IReadOnlyDictionary<string, ModuleStats> ModelActivationStats => _stats;

    /// <summary>Modules kept in float and why (e.g. element-wise modules without statistics).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>(layer, batch-norm) pairs folded by <see cref="Quantizer.PrepareModel"/>.</summary>
    public IReadOnlyList<(string Layer, string BatchNorm)> FoldedBatchNorms { get; private set; } = Array.Empty<(string, string)>();

    private string Context(ReplacementRequest r) => $"{GetType().Name} override for '{r.Name}'";

    private ModuleQuantMode ArgMode(ReplacementRequest r) =>
        r.Arguments.TryGetValue("mode", out var m) ? ParseMode(m, "mode", Context(r)) : Mode;

    private ClipMode ArgClip(ReplacementRequest r) =>
        r.Arguments.TryGetValue("clip_acts", out var c) && c is not null ? ParseClip(c, "clip_acts", Context(r)) : ClipActs;

    private double? ArgNStds(ReplacementRequest r) =>
        r.Arguments.TryGetValue("clip_n_stds", out var n) ? QuantizerArguments.ToNullableDouble(n, "clip_n_stds", Context(r)) : ClipNStds;

    private bool ArgBool(ReplacementRequest r, string key, bool fallback) =>
        r.Arguments.TryGetValue(key, out var v) ? QuantizerArguments.ToBool(v, key, Context(r)) : fallback;

    private nn.Module ReplaceParamLayer(ReplacementRequest r)
    {
        var module = (nn.Module<Tensor, Tensor>)r.Module;
        var stats = _stats.GetValueOrDefault(r.Name);
        if (r.QBits.Weights is not { } wbits)
            return r.QBits.Activations is null ? module
                : new RangeLinearFakeQuantWrapper(module, r.Name, r.QBits.Activations, ArgMode(r), ArgClip(r), stats, ArgNStds(r),
                    ArgBool(r, "clip_half_range", ClipHalfRange), InputsQuantAutoFallback, quantizeInputs: false);
        return new RangeLinearQuantParamLayerWrapper(module, r.Name, r.QBits.Activations, wbits, BitsAccum, ArgMode(r), ArgClip(r),
            ArgBool(r, "per_channel_wts", PerChannelWts), stats, ArgNStds(r), ArgBool(r, "clip_half_range", ClipHalfRange), InputsQuantAutoFallback);
    }

    private delegate nn.Module NonParamCtor(nn.Module module, int? bits, ModuleQuantMode mode, ClipMode clip, ModuleStats? stats, double? nStds, bool halfRange);

    private nn.Module ReplaceNonParam(ReplacementRequest r, NonParamCtor create)
    {
        try
        {
            return create(r.Module, r.QBits.Activations, ArgMode(r), ArgClip(r), _stats.GetValueOrDefault(r.Name), ArgNStds(r),
                ArgBool(r, "clip_half_range", ClipHalfRange));
        }
        catch (NoStatsException e)
        {
            _warnings.Add($"{r.Name}: {e.Message} Keeping the original float module.");
            return r.Module;
        }
    }

    private nn.Module ReplaceFakeQuant(ReplacementRequest r)
    {
        if (r.Module is ReLU or ReLU6 && ArgBool(r, "make_identity", false) && _trace is not null)
        {
            var preds = _trace.Predecessors(r.Name);
            if (preds.Count == 1 && ModuleTree.Get(Model, preds[0]) is RangeLinearQuantParamLayerWrapper or RangeLinearFakeQuantWrapper
                    or RangeLinearQuantEltwiseAddWrapper or RangeLinearQuantEltwiseMultWrapper or RangeLinearQuantConcatWrapper)
                return new PassThrough();
        }
        if (ModuleTree.HasChildren(r.Module) || r.Module is not nn.Module<Tensor, Tensor> single || r.Module is PassThrough)
            return r.Module;
        return new RangeLinearFakeQuantWrapper(single, r.Name, r.QBits.Activations, ArgMode(r), ArgClip(r), _stats.GetValueOrDefault(r.Name),
            ArgNStds(r), ArgBool(r, "clip_half_range", ClipHalfRange), InputsQuantAutoFallback, ArgBool(r, "quantize_inputs", true));
    }

    /// <summary>
    /// Distiller requires a dummy input here: it is used to trace the model for batch-norm folding and ReLU fusion.
    /// </summary>
    protected override void PrePrepareModel(Tensor? dummyInput)
    {
        if (dummyInput is null)
            throw new ArgumentNullException(nameof(dummyInput), "PostTrainLinearQuantizer requires a dummy input in order to fold batch-norms and fuse ReLUs.");
        if (Model is not nn.Module<Tensor, Tensor> root)
            throw new ArgumentException($"PostTrainLinearQuantizer needs a model that is a Module<Tensor, Tensor>, got {Model.GetType().Name}.", "model");
        Model.eval();
        var trace = ModelTrace.Run(root, dummyInput);
        FoldedBatchNorms = BatchNormFolding.Fold(Model, trace);
        foreach (var (layer, bn) in FoldedBatchNorms)
            if (_stats.Remove(bn, out var bnStats) && _stats.TryGetValue(layer, out var layerStats))
                _stats[layer] = layerStats with { Output = bnStats.Output };
        _trace = ModelTrace.Run(root, dummyInput);
        var modules = Model.named_modules().ToDictionary(m => m.name, m => m.module);
        ApplyActivationStatsFusions(_trace, modules);
        ApplyFuseRelu(_trace, modules);
    }

    /// <summary>
    /// Distiller's <c>_apply_activation_stats_fusions</c>: the output statistics of a layer whose only successor is a
    /// ReLU are clipped to [0, max] (ReLU6: [0, min(max, 6)]), to [−4, 4] before a Tanh and [−6, 6] before a Sigmoid,
    /// and copied to the activation's input statistics.
    /// </summary>
    private void ApplyActivationStatsFusions(ModelTrace trace, IReadOnlyDictionary<string, nn.Module> modules)
    {
        foreach (var node in trace.Nodes)
        {
            var name = node.Name;
            if (!ModuleQBits.TryGetValue(name, out var qbits) || qbits.Activations is null || !_stats.TryGetValue(name, out var st))
                continue;
            var succ = trace.Successors(name);
            if (succ.Count != 1 || !modules.TryGetValue(succ[0], out var successor))
                continue;
            (double Min, double Max)? range = successor switch
            {
                ReLU6 => (0, Math.Min(st.Output.Max, 6)),
                ReLU => (0, st.Output.Max),
                Tanh => (-4, 4),
                Sigmoid => (-6, 6),
                _ => null,
            };
            if (range is not { } r)
                continue;
            var clipped = ClipStats(st.Output, r.Min, r.Max);
            _stats[name] = st with { Output = clipped };
            if (_stats.TryGetValue(succ[0], out var sst))
                _stats[succ[0]] = sst with { Inputs = new Dictionary<int, TensorStats>(sst.Inputs) { [0] = clipped } };
        }
    }

    /// <summary>
    /// Distiller's <c>_apply_fuse_relu</c>: a quantized layer whose only successor is a ReLU/ReLU6 gets
    /// <c>clip_half_range</c> and the ReLU is marked <c>make_identity</c> (it becomes a pass-through when its
    /// predecessor was replaced by a quantized wrapper).
    /// </summary>
    private void ApplyFuseRelu(ModelTrace trace, IReadOnlyDictionary<string, nn.Module> modules)
    {
        foreach (var node in trace.Nodes)
        {
            var name = node.Name;
            if (!ModuleQBits.TryGetValue(name, out var qbits) || qbits.Activations is null || !modules.ContainsKey(name))
                continue;
            var succ = trace.Successors(name);
            if (succ.Count != 1 || !modules.TryGetValue(succ[0], out var successor) || successor is not (ReLU or ReLU6))
                continue;
            if (ModuleQBits.TryGetValue(succ[0], out var sq) && sq.Activations is not null)
            {
                ModuleOverrides[name]["clip_half_range"] = true;
                ModuleOverrides[succ[0]]["make_identity"] = true;
            }
        }
    }

    /// <summary>Distiller's <c>_clip_stats</c>: clamps min/max/avg_min/avg_max into [min, max].</summary>
    private static TensorStats ClipStats(TensorStats e, double min, double max)
    {
        if (e.Max < min)
            return e with { Min = min, AvgMin = min, Max = min, AvgMax = min };
        if (e.Min > max)
            return e with { Min = max, AvgMin = max, Max = max, AvgMax = max };
        return e with { Min = Math.Max(min, e.Min), AvgMin = Math.Max(min, e.AvgMin), Max = Math.Min(max, e.Max), AvgMax = Math.Min(max, e.AvgMax) };
    }

    internal static ModuleQuantMode ParseMode(object? value, string argument, string context)
    {
        switch (value)
        {
            case ModuleQuantMode m: return m;
            case LinearQuantMode l: return new ModuleQuantMode(l);
            case string s: return new ModuleQuantMode(LinearQuantModes.Parse(s, argument));
        }
        if (QuantizerArguments.AsMap(value) is { } map)
        {
            var unknown = map.Keys.Where(k => k is not ("activations" or "weights")).ToList();
            if (unknown.Count > 0 || !map.ContainsKey("activations") || !map.ContainsKey("weights"))
                throw new ArgumentException($"{context}: '{argument}' as a map needs exactly the keys 'activations' and 'weights'.", argument);
            return new ModuleQuantMode(
                LinearQuantModes.Parse(QuantizerArguments.ToNullableString(map["activations"], argument, context) ?? "", argument),
                LinearQuantModes.Parse(QuantizerArguments.ToNullableString(map["weights"], argument, context) ?? "", argument));
        }
        throw new ArgumentException($"{context}: '{argument}' must be a mode name (sym, sym_restr, asym_s, asym_u or SYMMETRIC, ...) " +
                                    "or a map with 'activations' and 'weights'.", argument);
    }

    internal static ClipMode ParseClip(object? value, string argument, string context) => value switch
    {
        ClipMode c => c,
        string s => ClipModes.Parse(s, argument),
        _ => throw new ArgumentException($"{context}: '{argument}' must be one of none, avg, n_std, gauss, laplace.", argument),
    };
}
