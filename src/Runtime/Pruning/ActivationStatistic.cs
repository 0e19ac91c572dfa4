namespace Distiller.Typed.Pruning;

/// <summary>The per-channel activation statistics the activation-ranked filter pruners rank by.</summary>
public enum ActivationStatistic
{
    /// <summary>
    /// Average percentage of zeros of each output channel (Distiller's <c>apoz_channels</c>):
    /// <c>APoZ_c = 100 · (1 − mean over samples and positions of [a &gt; 0])</c>.
    /// </summary>
    APoZ,

    /// <summary>Mean of each output channel (Distiller's <c>mean_channels</c>): mean over samples and positions of a.</summary>
    Mean,
}
