using Distiller.Typed.Quantization.Calibration;
using Distiller.Typed.Quantization.PostTraining;
using Distiller.Typed.Quantization.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization;

/// <summary>
/// Builds a quantizer from the arguments of a schedule's <c>quantizers:</c> entry (a plain dictionary: the YAML keys
/// and values), checking every argument name and value with errors that say what is valid.
/// Classes: <c>PostTrainLinearQuantizer</c>, <c>DorefaQuantizer</c>, <c>WRPNQuantizer</c>, <c>PACTQuantizer</c>,
/// <c>QuantAwareTrainRangeLinearQuantizer</c>.
/// </summary>
public static class QuantizerFactory
{
    private static readonly string[] Common = { "class", "bits_activations", "bits_weights", "bits_bias", "overrides" };

    private static readonly Dictionary<string, string[]> Arguments = new()
    {
        ["PostTrainLinearQuantizer"] = new[] { "class", "bits_activations", "bits_parameters", "bits_accum", "overrides", "mode", "clip_acts",
            "per_channel_wts", "model_activation_stats", "clip_n_stds", "clip_half_range", "inputs_quant_auto_fallback" },
        ["DorefaQuantizer"] = Common,
        ["WRPNQuantizer"] = Common,
        ["PACTQuantizer"] = Common.Concat(new[] { "act_clip_init_val", "act_clip_decay" }).ToArray(),
        ["QuantAwareTrainRangeLinearQuantizer"] = Common.Concat(new[] { "mode", "ema_decay", "per_channel_wts", "quantize_inputs", "num_bits_inputs" }).ToArray(),
    };

    /// <summary>Distiller arguments this implementation does not provide (so they are rejected by name, not ignored).</summary>
    private static readonly Dictionary<string, string> Unsupported = new()
    {
        ["fp16"] = "half-precision modules are not provided",
        ["fpq_module"] = "floating-point fake-quantized modules are not provided",
        ["scale_approx_mult_bits"] = "integer multiply-and-shift scale approximation is not provided",
        ["save_fp_weights"] = "re-quantization of weights after preparation is not provided",
        ["also_clip_weights"] = "clipping of weights is not provided",
    };

    public static IReadOnlyCollection<string> ClassNames => Arguments.Keys;

    /// <summary>The argument names <paramref name="className"/> accepts.</summary>
    public static IReadOnlyList<string> ArgumentNames(string className) =>
        Arguments.TryGetValue(className, out var a) ? a : throw UnknownClass(className);

    private static ArgumentException UnknownClass(string className) =>
        new($"'{className}' is not a quantizer class; valid: {string.Join(", ", Arguments.Keys)}.", nameof(className));

    /// <summary>Creates the quantizer (not yet prepared). QAT quantizers need the optimizer.</summary>
    public static Quantizer Create(string className, nn.Module model, optim.Optimizer? optimizer, IReadOnlyDictionary<string, object?> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var valid = ArgumentNames(className);
        string ctx = $"Quantizer {className}";
        foreach (var key in args.Keys)
        {
            if (Unsupported.TryGetValue(key, out var why))
                throw new ArgumentException($"{ctx}: argument '{key}' is not supported ({why}).", key);
            if (!valid.Contains(key))
                throw new ArgumentException($"{ctx}: unknown argument '{key}'; valid: {string.Join(", ", valid)}.", key);
        }
        if (args.TryGetValue("class", out var cls) && cls is string c && c != className)
            throw new ArgumentException($"{ctx}: 'class' says '{c}'.", "class");

        object? Get(string key) => args.TryGetValue(key, out var v) ? v : null;
        int? Bits(string key, int? fallback) => args.ContainsKey(key) ? QuantizerArguments.ToNullableInt(Get(key), key, ctx) : fallback;
        bool Flag(string key, bool fallback) => args.ContainsKey(key) ? QuantizerArguments.ToBool(Get(key), key, ctx) : fallback;
        double? Number(string key, double? fallback) => args.ContainsKey(key) ? QuantizerArguments.ToNullableDouble(Get(key), key, ctx) : fallback;
        var overrides = args.TryGetValue("overrides", out var ov) && ov is not null
            ? QuantizerOverrides.From(QuantizerArguments.AsMap(ov) ?? throw new ArgumentException($"{ctx}: 'overrides' must be a map of module-name patterns.", "overrides"))
            : null;
        ModuleQuantMode? mode = args.TryGetValue("mode", out var m) && m is not null ? PostTrainLinearQuantizer.ParseMode(m, "mode", ctx) : null;
        optim.Optimizer RequireOptimizer() =>
            optimizer ?? throw new ArgumentNullException(nameof(optimizer), $"{ctx} trains with a float copy of the weights and needs the optimizer.");

        switch (className)
        {
            case "PostTrainLinearQuantizer":
                IReadOnlyDictionary<string, ModuleStats>? stats = Get("model_activation_stats") switch
                {
                    null => null,
                    string path => StatsYaml.Load(path),
                    IReadOnlyDictionary<string, ModuleStats> d => d,
                    var other => throw new ArgumentException($"{ctx}: 'model_activation_stats' must be a path to a stats YAML file, got {other.GetType().Name}.", "model_activation_stats"),
                };
                var accum = Bits("bits_accum", 32) ?? throw new ArgumentException($"{ctx}: 'bits_accum' cannot be null.", "bits_accum");
                return new PostTrainLinearQuantizer(model, Bits("bits_activations", 8), Bits("bits_parameters", 8), accum, overrides, mode,
                    args.TryGetValue("clip_acts", out var clip) && clip is not null ? PostTrainLinearQuantizer.ParseClip(clip, "clip_acts", ctx) : ClipMode.None,
                    Flag("per_channel_wts", false), stats, Number("clip_n_stds", null), Flag("clip_half_range", false), Flag("inputs_quant_auto_fallback", true));
            case "DorefaQuantizer":
                return new DorefaQuantizer(model, RequireOptimizer(), Bits("bits_activations", 32), Bits("bits_weights", 32), Bits("bits_bias", null), overrides);
            case "WRPNQuantizer":
                return new WrpnQuantizer(model, RequireOptimizer(), Bits("bits_activations", 32), Bits("bits_weights", 32), Bits("bits_bias", null), overrides);
            case "PACTQuantizer":
                return new PactQuantizer(model, RequireOptimizer(), Bits("bits_activations", 32), Bits("bits_weights", 32), Bits("bits_bias", null), overrides,
                    Number("act_clip_init_val", 8.0) ?? 8.0, Number("act_clip_decay", null));
            default:
                return new QuantAwareTrainRangeLinearQuantizer(model, RequireOptimizer(), Bits("bits_activations", 32), Bits("bits_weights", 32),
                    Bits("bits_bias", 32), overrides, mode, Number("ema_decay", 0.999) ?? 0.999, Flag("per_channel_wts", false),
                    Flag("quantize_inputs", true), Bits("num_bits_inputs", null));
        }
    }

    /// <summary>
    /// Distiller's <c>config_component_from_file_by_class</c>: reads the YAML file, finds the entry of the
    /// <c>quantizers:</c> section whose <c>class</c> is <paramref name="className"/> and builds it (everything else in
    /// the file is ignored).
    /// </summary>
    public static Quantizer FromConfigFile(string path, string className, nn.Module model, optim.Optimizer? optimizer = null)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Quantizer configuration file not found: {path}", path);
        var doc = YamlValues.Load(File.ReadAllText(path), path) as IReadOnlyDictionary<string, object?>
                  ?? throw new FormatException($"{path}: expected a YAML mapping at the top level.");
        if (!doc.TryGetValue("quantizers", out var section) || QuantizerArguments.AsMap(section) is not { } quantizers)
            throw new FormatException($"{path}: no 'quantizers:' section.");
        foreach (var (instance, value) in quantizers)
        {
            var args = QuantizerArguments.AsMap(value);
            if (args is not null && args.TryGetValue("class", out var cls) && cls as string == className)
                return Create(className, model, optimizer, args);
        }
        throw new ArgumentException($"{path}: the 'quantizers:' section has no entry with class {className} " +
                                    $"(entries: {string.Join(", ", quantizers.Keys)}).", nameof(className));
    }
}
