using Distiller.Typed.Masks;
using Distiller.Typed.Thresholding;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// Element-wise pruning for RNNs: Narang, Diamos, Sengupta &amp; Elsen, "Exploring Sparsity in Recurrent Neural
/// Networks" (ICLR 2017, https://arxiv.org/abs/1704.05119), at epoch granularity as in Distiller:
/// <code>
/// ramp_epoch  = starting_epoch + ramp_epoch_offset
/// start_slope = 2 q freq / (2 (ramp_epoch - starting_epoch) + 3 (ending_epoch - ramp_epoch))
/// ramp_slope  = start_slope × ramp_slope_mult
/// eps = start_slope (epoch - starting_epoch + 1) / freq                                   if epoch &lt; ramp_epoch
/// eps = (start_slope (ramp_epoch - starting_epoch + 1) + ramp_slope (epoch - ramp_epoch + 1)) / freq   otherwise
/// mask = |w| &gt; eps
/// </code>
/// The slopes are computed the first time the pruner runs and kept (they are part of the checkpoint).
/// </summary>
public sealed class BaiduRNNPruner : IPruner, IStateful
{
    private readonly IReadOnlyCollection<string> _weights;
    private double? _startSlope;
    private double? _rampSlope;

    /// <param name="name">The pruner's name in the schedule.</param>
    /// <param name="q">The paper's q: the threshold reached at the end of pruning (equation 1).</param>
    /// <param name="rampEpochOffset">Epochs after starting_epoch before the slope ramps up.</param>
    /// <param name="rampSlopeMult">ramp_slope = start_slope × this.</param>
    /// <param name="weights">The parameters to prune.</param>
    public BaiduRNNPruner(string name, double q, int rampEpochOffset, double rampSlopeMult, IEnumerable<string> weights)
    {
        Name = ParameterValues.Name(name);
        if (!(q >= 0) || double.IsInfinity(q))
            throw new ArgumentOutOfRangeException(nameof(q), q, "q must be a finite number, 0 or more.");
        if (rampEpochOffset < 0)
            throw new ArgumentOutOfRangeException(nameof(rampEpochOffset), rampEpochOffset, "ramp_epoch_offset must be 0 or more.");
        if (!(rampSlopeMult >= 0) || double.IsInfinity(rampSlopeMult))
            throw new ArgumentOutOfRangeException(nameof(rampSlopeMult), rampSlopeMult, "ramp_slope_mult must be a finite number, 0 or more.");
        Q = q;
        RampEpochOffset = rampEpochOffset;
        RampSlopeMult = rampSlopeMult;
        _weights = ParameterValues.Names(weights, nameof(weights));
    }

    public string Name { get; }
    public double Q { get; }
    public int RampEpochOffset { get; }
    public double RampSlopeMult { get; }

    public IReadOnlyCollection<string> ParameterNames => _weights;

    /// <summary>The threshold <c>eps</c> at <paramref name="meta"/>'s epoch (computes and keeps the slopes the first time).</summary>
    public double Threshold(PruningMeta meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        if (meta.Frequency <= 0)
            throw new InvalidOperationException(
                $"{nameof(BaiduRNNPruner)} '{Name}' needs a policy scheduled with starting_epoch, ending_epoch and frequency; " +
                "an epochs list has no frequency.");
        int rampEpoch = RampEpochOffset + meta.StartingEpoch;
        if (_startSlope is null)
        {
            double denominator = 2.0 * (rampEpoch - meta.StartingEpoch) + 3.0 * (meta.EndingEpoch - rampEpoch);
            if (denominator == 0)
                throw new InvalidOperationException(
                    $"{nameof(BaiduRNNPruner)} '{Name}': 2 (ramp_epoch - starting_epoch) + 3 (ending_epoch - ramp_epoch) is 0.");
            _startSlope = 2 * Q * meta.Frequency / denominator;
            _rampSlope = _startSlope * RampSlopeMult;
        }
        double start = _startSlope.Value, ramp = _rampSlope!.Value;
        return meta.CurrentEpoch < rampEpoch
            ? start * (meta.CurrentEpoch - meta.StartingEpoch + 1) / meta.Frequency
            : (start * (rampEpoch - meta.StartingEpoch + 1) + ramp * (meta.CurrentEpoch - rampEpoch + 1)) / meta.Frequency;
    }

    public void SetParameterMask(Tensor parameter, string parameterName, MaskDictionary masks, PruningMeta meta)
    {
        if (!_weights.Contains(parameterName))
            return;
        masks[parameterName].Mask = ElementwiseThresholds.MaskByThreshold(parameter, Threshold(meta));
    }

    public void SaveState(IDictionary<string, object> state)
    {
        if (_startSlope is double start)
        {
            state["start_slope"] = start;
            state["ramp_slope"] = _rampSlope!.Value;
        }
    }

    public void LoadState(IReadOnlyDictionary<string, object> state)
    {
        _startSlope = state.TryGetValue("start_slope", out var s) ? Convert.ToDouble(s, System.Globalization.CultureInfo.InvariantCulture) : null;
        _rampSlope = state.TryGetValue("ramp_slope", out var r) ? Convert.ToDouble(r, System.Globalization.CultureInfo.InvariantCulture) : null;
    }
}
