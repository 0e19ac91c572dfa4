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
    /// <summary>The quantizers this runtime builds; their arguments, and those it refuses, are the component
    /// catalogue's (src/Sdk), the same table the schedule validator checks.</summary>
    public static IReadOnlyCollection<string> ClassNames { get; } =
        ["PostTrainLinearQuantizer", "DorefaQuantizer", "WRPNQuantizer", "PACTQuantizer", "QuantAwareTrainRangeLinearQuantizer"];

    private static Catalogue.ComponentDescriptor Descriptor(string className) =>
        ClassNames.Contains(className) && Catalogue.ComponentCatalogue.TryFind(className, out var descriptor) ? descriptor : throw UnknownClass(className);

    /// <summary>The argument names <paramref name="className"/> accepts (with <c>class</c>, which a YAML entry carries).</summary>
    public static IReadOnlyList<string> ArgumentNames(string className) =>
        ["class", .. Descriptor(className).Parameters.Where(p => p.NotSupported is null).Select(p => p.Name)];

    private static ArgumentException UnknownClass(string className) =>
        new($"'{className}' is not a quantizer class; valid: {string.Join(", ", ClassNames)}.", nameof(className));

    /// <summary>Creates the quantizer (not yet prepared). QAT quantizers need the optimizer.</summary>
    public static Quantizer Create(string className, nn.Module model, optim.Optimizer? optimizer, IReadOnlyDictionary<string, object?> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var valid = ArgumentNames(className);
        string ctx = $"Quantizer {className}";
        foreach (var key in args.Keys)
        {
            if (Descriptor(className).Parameter(key) is { NotSupported: { } why })
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
