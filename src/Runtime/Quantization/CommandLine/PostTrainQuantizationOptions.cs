using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Distiller.Typed.Quantization.Calibration;
using Distiller.Typed.Quantization.PostTraining;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.CommandLine;

/// <summary>What the post-training quantization options of a command line asked for.</summary>
public sealed record PostTrainQuantizationSettings
{
    public bool QuantizeEval { get; init; }
    /// <summary>Portion of the test set (0, 1] to run for calibration statistics, or null.</summary>
    public double? Calibration { get; init; }
    public LinearQuantMode Mode { get; init; } = LinearQuantMode.Symmetric;
    /// <summary>Null when 0 was given (do not quantize activations).</summary>
    public int? BitsActivations { get; init; } = 8;
    /// <summary>Null when 0 was given (do not quantize weights).</summary>
    public int? BitsWeights { get; init; } = 8;
    public int BitsAccum { get; init; } = 32;
    public ClipMode ClipActs { get; init; } = ClipMode.None;
    public double? ClipNStds { get; init; }
    public IReadOnlyList<string> NoClipLayers { get; init; } = Array.Empty<string>();
    public bool PerChannel { get; init; }
    public string? StatsFile { get; init; }
    public string? ConfigFile { get; init; }

    /// <summary>
    /// The quantizer these settings describe (Distiller's <c>PostTrainLinearQuantizer.from_args</c>): from
    /// <see cref="ConfigFile"/> when given (all other settings ignored), else from the settings, layers in
    /// <see cref="NoClipLayers"/> getting a <c>clip_acts: NONE</c> override. Call <c>PrepareModel(dummyInput)</c> next.
    /// </summary>
    public PostTrainLinearQuantizer CreateQuantizer(nn.Module model)
    {
        if (ConfigFile is not null)
            return (PostTrainLinearQuantizer)QuantizerFactory.FromConfigFile(ConfigFile, "PostTrainLinearQuantizer", model);
        var overrides = new QuantizerOverrides();
        foreach (var layer in NoClipLayers.Distinct())
            overrides.Add(System.Text.RegularExpressions.Regex.Escape(layer), new Dictionary<string, object?> { ["clip_acts"] = "NONE" });
        return new PostTrainLinearQuantizer(model, BitsActivations, BitsWeights, BitsAccum, overrides, new ModuleQuantMode(Mode), ClipActs, PerChannel,
            StatsFile is null ? null : StatsYaml.Load(StatsFile), ClipNStds);
    }
}

/// <summary>
/// The post-training quantization options a training program adds to its System.CommandLine command, with the
/// names and aliases of Distiller's <c>add_post_train_quant_args</c>: <c>--quantize-eval/--qe</c>,
/// <c>--qe-calibration</c>, <c>--qe-mode/--qem</c>, <c>--qe-bits-acts/--qeba</c>, <c>--qe-bits-wts/--qebw</c>,
/// <c>--qe-bits-accum</c>, <c>--qe-clip-acts/--qeca</c> (alone: <c>avg</c>; or a mode), <c>--qe-clip-n-stds</c>,
/// <c>--qe-no-clip-layers/--qencl</c>, <c>--qe-per-channel/--qepc</c>, <c>--qe-stats-file</c>, <c>--qe-config-file</c>.
/// </summary>
public sealed class PostTrainQuantizationOptions
{
    public Option<bool> QuantizeEval { get; } = new("--quantize-eval", "--qe")
    {
        Description = "Apply linear quantization to model before evaluation.",
    };

    public Option<double?> Calibration { get; } = new("--qe-calibration")
    {
        Description = "Run the model in evaluation mode on the specified portion of the test dataset and collect statistics.",
        HelpName = "PORTION_OF_TEST_SET",
    };

    public Option<LinearQuantMode> Mode { get; } = new("--qe-mode", "--qem")
    {
        Description = "Linear quantization mode. Choices: " + string.Join(" | ", LinearQuantModes.ShortNames.Keys),
        DefaultValueFactory = _ => LinearQuantMode.Symmetric,
        CustomParser = r => ParseChoice(r, LinearQuantModes.ShortNames, LinearQuantMode.Symmetric),
    };

    public Option<int> BitsActs { get; } = new("--qe-bits-acts", "--qeba")
    {
        Description = "Number of bits for quantization of activations (0: do not quantize activations).",
        HelpName = "NUM_BITS",
        DefaultValueFactory = _ => 8,
    };

    public Option<int> BitsWts { get; } = new("--qe-bits-wts", "--qebw")
    {
        Description = "Number of bits for quantization of weights (0: do not quantize weights).",
        HelpName = "NUM_BITS",
        DefaultValueFactory = _ => 8,
    };

    public Option<int> BitsAccum { get; } = new("--qe-bits-accum")
    {
        Description = "Number of bits for quantization of the accumulator.",
        HelpName = "NUM_BITS",
        DefaultValueFactory = _ => 32,
    };

    public Option<ClipMode> ClipActs { get; } = new("--qe-clip-acts", "--qeca")
    {
        Description = "Activations clipping mode; alone it means 'avg' (min/max averaged over the batch). Choices: " + string.Join(" | ", ClipModes.Names.Keys),
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => ClipMode.None,
        CustomParser = r => r.Tokens.Count == 0 ? ClipMode.Avg : ParseChoice(r, ClipModes.Names, ClipMode.None),
    };

    public Option<double?> ClipNStds { get; } = new("--qe-clip-n-stds")
    {
        Description = "When --qe-clip-acts is n_std, the number of standard deviations to use.",
    };

    public Option<string[]> NoClipLayers { get; } = new("--qe-no-clip-layers", "--qencl")
    {
        Description = "List of layer names for which not to clip activations. Applicable only if --qe-clip-acts is also set.",
        HelpName = "LAYER_NAME",
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.OneOrMore,
        DefaultValueFactory = _ => Array.Empty<string>(),
    };

    public Option<bool> PerChannel { get; } = new("--qe-per-channel", "--qepc")
    {
        Description = "Enable per-channel quantization of weights (per output channel).",
    };

    public Option<string?> StatsFile { get; } = new("--qe-stats-file")
    {
        Description = "Path to YAML file with calibration stats. If not given, dynamic quantization will be run.",
        HelpName = "PATH",
    };

    public Option<string?> ConfigFile { get; } = new("--qe-config-file")
    {
        Description = "Path to YAML file containing configuration for PostTrainLinearQuantizer (if present, all other --qe* arguments are ignored).",
        HelpName = "PATH",
    };

    public IEnumerable<Option> All => new Option[]
    {
        QuantizeEval, Calibration, Mode, BitsActs, BitsWts, BitsAccum, ClipActs, ClipNStds, NoClipLayers, PerChannel, StatsFile, ConfigFile,
    };

    /// <summary>Adds the options and their cross-checks to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var o in All)
            command.Options.Add(o);
        Calibration.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<double?>();
            if (v is not null && !(v > 0 && v <= 1))
                r.AddError($"--qe-calibration must be a portion of the test set in (0, 1], got {v.Value.ToString(CultureInfo.InvariantCulture)}.");
        });
        foreach (var bits in new[] { BitsActs, BitsWts })
            bits.Validators.Add(r =>
            {
                var v = r.GetValueOrDefault<int>();
                if (v is < 0 or > 32)
                    r.AddError($"{r.Option.Name} must be between 0 (no quantization) and 32, got {v}.");
            });
        BitsAccum.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<int>();
            if (v is < 1 or > 32)
                r.AddError($"--qe-bits-accum must be between 1 and 32, got {v}.");
        });
        command.Validators.Add(r =>
        {
            // Values of options that failed to parse are reported by their own errors.
            if (!TryGet(() => r.GetValue(ClipActs), out var clip) || !TryGet(() => r.GetValue(ClipNStds), out var nStds) ||
                !TryGet(() => r.GetValue(QuantizeEval), out var qe))
                return;
            if (qe && r.GetResult(Calibration) is { Implicit: false })
                r.AddError("--quantize-eval and --qe-calibration are mutually exclusive: calibrate first (--qe-calibration), " +
                           "then quantize with the statistics (--quantize-eval --qe-stats-file PATH).");
            if (ClipValue(r.GetResult(ClipActs), clip) == ClipMode.NStd && nStds is null && r.GetResult(ConfigFile) is null)
                r.AddError("--qe-clip-acts n_std needs --qe-clip-n-stds.");
            if (nStds is <= 0)
                r.AddError("--qe-clip-n-stds must be > 0.");
            if (r.GetResult(StatsFile) is { Implicit: false } && r.GetResult(ConfigFile) is { Implicit: false })
                r.AddError("--qe-stats-file and --qe-config-file are mutually exclusive: the configuration file names its own statistics.");
        });
    }

    private static bool TryGet<T>(Func<T> get, out T value)
    {
        try
        {
            value = get();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    /// <summary><c>--qe-clip-acts</c> given without a value means <c>avg</c> (the reference's flag form).</summary>
    private static ClipMode ClipValue(OptionResult? result, ClipMode parsed) =>
        result is { Implicit: false } && result.Tokens.Count == 0 ? ClipMode.Avg : parsed;

    /// <summary>The settings of a parsed command line (call after checking <c>ParseResult.Errors</c>).</summary>
    public PostTrainQuantizationSettings Read(ParseResult result)
    {
        if (result.Errors.Count > 0)
            throw new ArgumentException("The command line has errors: " + string.Join(" ", result.Errors.Select(e => e.Message)), nameof(result));
        int acts = result.GetValue(BitsActs), wts = result.GetValue(BitsWts);
        return new PostTrainQuantizationSettings
        {
            QuantizeEval = result.GetValue(QuantizeEval),
            Calibration = result.GetValue(Calibration),
            Mode = result.GetValue(Mode),
            BitsActivations = acts == 0 ? null : acts,
            BitsWeights = wts == 0 ? null : wts,
            BitsAccum = result.GetValue(BitsAccum),
            ClipActs = ClipValue(result.GetResult(ClipActs), result.GetValue(ClipActs)),
            ClipNStds = result.GetValue(ClipNStds),
            NoClipLayers = result.GetValue(NoClipLayers) ?? Array.Empty<string>(),
            PerChannel = result.GetValue(PerChannel),
            StatsFile = result.GetValue(StatsFile),
            ConfigFile = result.GetValue(ConfigFile),
        };
    }

    private static T ParseChoice<T>(ArgumentResult r, IReadOnlyDictionary<string, T> choices, T fallback)
    {
        var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
        if (choices.TryGetValue(text, out var v))
            return v;
        r.AddError($"'{text}' is not valid for {((OptionResult)r.Parent!).Option.Name}; choices: {string.Join(" | ", choices.Keys)}.");
        return fallback;
    }
}
