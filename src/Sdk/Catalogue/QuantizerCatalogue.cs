using Distiller.Typed.Schedules;
using static Distiller.Typed.Catalogue.CommonParameters;

namespace Distiller.Typed.Catalogue;

/// <summary>Distiller's quantizers (distiller/quantization/clipped_linear.py and range_linear.py).</summary>
internal static class QuantizerCatalogue
{
    private const ScheduleSection Section = ScheduleSection.Quantizers;

    private static readonly ParameterDescriptor PerChannelWeights = new(
        "per_channel_wts", ParameterType.Bool, "Quantize weights with one scale per output channel.", Default: "false");

    private static readonly ParameterDescriptor ClipActs = new(
        "clip_acts", ParameterType.String, "How activation ranges are clipped (ClipMode).", Default: "NONE", AllowedValues: ClipModes);

    private static readonly ParameterDescriptor ClipNStds = new(
        "clip_n_stds", ParameterType.Float, "With clip_acts N_STD: clip at mean ± this many standard deviations (required then).",
        Default: "null", Nullable: true, Range: ValueRange.GreaterThan(0));

    private static readonly ParameterDescriptor ClipHalfRange = new(
        "clip_half_range", ParameterType.Bool, "Use only the half of the range on one side of zero when clipping.", Default: "false");

    private static readonly ParameterDescriptor ScaleApproxMultBits = new(
        "scale_approx_mult_bits", ParameterType.Int, "Approximate scale factors by an integer multiply of this many bits and a shift; null: keep float scales.",
        Default: "null", Nullable: true, Range: ValueRange.BitWidth,
        NotSupported: "integer multiply-and-shift approximation of scales is not implemented; scales stay float");

    private static readonly ParameterDescriptor InputsQuantAutoFallback = new(
        "inputs_quant_auto_fallback", ParameterType.Bool, "Quantize a layer's inputs with the producing layer's settings when it has none.", Default: "true");

    private static readonly ParameterDescriptor FpqModule = new(
        "fpq_module", ParameterType.Int, "Run modules in this floating-point precision (16, 32 or 64) and quantize only their outputs; null: off.",
        Default: "null", Nullable: true, AllowedValues: EquatableArray.Create("16", "32", "64"),
        NotSupported: "floating-point fake-quantized modules are not implemented");

    private static readonly ParameterDescriptor Fp16 = new(
        "fp16", ParameterType.Bool, "Deprecated: same as fpq_module: 16.", Default: "false",
        NotSupported: "half-precision modules are not implemented");

    /// <summary>The per-module settings PostTrainLinearQuantizer's replacement functions take from overrides.</summary>
    private static readonly EquatableArray<ParameterDescriptor> PostTrainOverrideEntries = EquatableArray.Create(
        BitsActivations(null), BitsWeights(null), BitsBias(null),
        QuantMode with { Default = null }, PerChannelWeights with { Default = null }, ClipActs with { Default = null },
        ClipNStds with { Default = null }, ClipHalfRange with { Default = null }, ScaleApproxMultBits with { Default = null },
        InputsQuantAutoFallback with { Default = null, NotSupported = "no replacement module takes it per module; give it to the quantizer" },
        FpqModule with { Default = null }, Fp16 with { Default = null },
        new ParameterDescriptor("input_overrides", ParameterType.Map, "Per-input settings of a module, keyed by input index.", Nullable: true,
            NotSupported: "per-input settings of a module are not implemented"),
        new ParameterDescriptor("fake", ParameterType.Bool, "Fake-quantize this module (run it in float, quantize its output).",
            NotSupported: "choosing fake quantization per module is not implemented; modules without a quantized replacement are fake-quantized already"),
        new ParameterDescriptor("make_identity", ParameterType.Bool, "Replace a ReLU by an identity whose output is quantized with the predecessor's."),
        new ParameterDescriptor("quantize_inputs", ParameterType.Bool, "For fake-quantized modules: whether their inputs are quantized too."));

    public static EquatableArray<ComponentDescriptor> All { get; } = EquatableArray.Create(
        ClippedLinear("DorefaQuantizer",
            "DoReFa-Net: weights through tanh and uniform k-bit quantization, ReLUs replaced by clipped [0, 1] k-bit activations (Zhou et al., arXiv:1606.06160)."),
        ClippedLinear("WRPNQuantizer",
            "WRPN: weights clamped to [-1, 1] and quantized symmetrically, ReLUs replaced by clipped k-bit activations (Mishra et al., arXiv:1709.01134)."),
        new ComponentDescriptor("PACTQuantizer", Section,
            "PACT: ReLUs replaced by k-bit activations clipped at a learned alpha; DoReFa weights (Choi et al., arXiv:1805.06085).",
            EquatableArray.Create(
                BitsActivations("32"), BitsWeights("32"), BitsBias("null"), Overrides(BaseOverrideEntries),
                new ParameterDescriptor("act_clip_init_val", ParameterType.Float, "Initial clipping value alpha.", Default: "8.0", Range: ValueRange.GreaterThan(0)),
                new ParameterDescriptor("act_clip_decay", ParameterType.Float, "L2 penalty on alpha (lambda_alpha); null: the optimizer's weight decay.",
                    Default: "null", Nullable: true, Range: ValueRange.AtLeast(0))),
            NeedsOptimizer: true, Source: "distiller/quantization/clipped_linear.py"),

        new ComponentDescriptor("QuantAwareTrainRangeLinearQuantizer", Section,
            "Quantization-aware training with range-based linear quantization; activation ranges tracked by an EMA (Jacob et al., arXiv:1712.05877).",
            EquatableArray.Create(
                BitsActivations("32"), BitsWeights("32"), BitsBias("32"), Overrides(BaseOverrideEntries), QuantMode,
                new ParameterDescriptor("ema_decay", ParameterType.Float, "Decay of the activation-range moving average.", Default: "0.999", Range: new ValueRange(0, false, 1, false)),
                PerChannelWeights,
                new ParameterDescriptor("quantize_inputs", ParameterType.Bool, "Also quantize the model's inputs.", Default: "true"),
                new ParameterDescriptor("num_bits_inputs", ParameterType.Int, "Bits for the inputs; null: bits_activations.",
                    Default: "null", Nullable: true, Range: ValueRange.BitWidth)),
            NeedsOptimizer: true, Source: "distiller/quantization/range_linear.py"),

        new ComponentDescriptor("PostTrainLinearQuantizer", Section,
            "Post-training range-based linear quantization of a trained model (runs at evaluation; needs no policy).",
            EquatableArray.Create(
                new ParameterDescriptor("bits_activations", ParameterType.Int, "Bits for activations; null: do not quantize activations.",
                    Default: "8", Nullable: true, Range: ValueRange.BitWidth),
                new ParameterDescriptor("bits_parameters", ParameterType.Int, "Bits for weights; null: do not quantize weights.",
                    Default: "8", Nullable: true, Range: ValueRange.BitWidth),
                new ParameterDescriptor("bits_accum", ParameterType.Int, "Bits of the accumulator (and biases).",
                    Default: "32", Range: ValueRange.BitWidth),
                Overrides(PostTrainOverrideEntries), QuantMode, ClipActs, PerChannelWeights,
                new ParameterDescriptor("model_activation_stats", ParameterType.Any,
                    "Path of a calibration-stats YAML file, or the stats mapping itself; null: compute ranges dynamically.", Default: "null", Nullable: true),
                Fp16, ClipNStds, ClipHalfRange, ScaleApproxMultBits, InputsQuantAutoFallback, FpqModule,
                new ParameterDescriptor("save_fp_weights", ParameterType.Bool, "Keep a float copy of the weights so they can be re-quantized.", Default: "false",
                    NotSupported: "re-quantizing the weights after preparation is not implemented"),
                new ParameterDescriptor("also_clip_weights", ParameterType.Bool, "Apply clip_acts to embedding weights too.", Default: "false",
                    NotSupported: "clipping of weights is not implemented")),
            PostTrainingOnly: true, Source: "distiller/quantization/range_linear.py"));

    private static ComponentDescriptor ClippedLinear(string name, string summary) => new(name, Section, summary,
        EquatableArray.Create(BitsActivations("32"), BitsWeights("32"), BitsBias("null"), Overrides(BaseOverrideEntries)),
        NeedsOptimizer: true, Source: "distiller/quantization/clipped_linear.py");
}
