using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Training;

/// <summary>
/// PACT quantization-aware training (Choi et al., https://arxiv.org/abs/1805.06085): every quantized ReLU becomes a
/// <see cref="LearnedClippedLinearQuantization"/> with its own learned clipping value α (initial value
/// <c>act_clip_init_val</c>, 8 by default); weights are quantized as in DoReFa. The α parameters are optimized in
/// their own optimizer group, with weight decay <c>act_clip_decay</c> (λα in the paper; the optimizer's default when null).
/// </summary>
public class PactQuantizer : Quantizer
{
    public PactQuantizer(nn.Module model, optim.Optimizer optimizer, int? bitsActivations = 32, int? bitsWeights = 32,
        int? bitsBias = null, QuantizerOverrides? overrides = null, double actClipInitVal = 8.0, double? actClipDecay = null)
        : base(model, optimizer, bitsActivations, bitsWeights, bitsBias, overrides, trainWithFpCopy: true)
    {
        if (!(actClipInitVal > 0))
            throw new ArgumentOutOfRangeException(nameof(actClipInitVal), actClipInitVal, "act_clip_init_val must be > 0.");
        if (actClipDecay is < 0)
            throw new ArgumentOutOfRangeException(nameof(actClipDecay), actClipDecay, "act_clip_decay must be >= 0.");
        ActClipInitVal = actClipInitVal;
        ActClipDecay = actClipDecay;
        ParamQuantization = (w, meta) => DorefaQuantizer.QuantizeParam(w, meta.NumBits);
        ReplacementFactories[typeof(ReLU)] = new ReplacementFactory(r =>
            r.QBits.Activations is { } bits ? new LearnedClippedLinearQuantization(bits, actClipInitVal) : r.Module);
    }

    public double ActClipInitVal { get; }
    public double? ActClipDecay { get; }

    protected override IEnumerable<NewParamGroup> NewOptimizerParamGroups()
    {
        var clipValues = Model.named_parameters().Where(p => p.name.Contains("clip_val", StringComparison.Ordinal))
            .Select(p => p.parameter).Distinct(ReferenceEqualityComparer.Instance).Cast<Parameter>().ToList();
        yield return new NewParamGroup(clipValues, ActClipDecay);
    }
}
