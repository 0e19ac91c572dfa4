using System.Globalization;

namespace Distiller.Typed.Samples.ResNetPrune.Training;

/// <summary>
/// One epoch's progress: redrawn in place on a terminal, printed at every tenth of the epoch when the output is
/// redirected (a log file gets ten lines, not thousands), or every <c>printFrequency</c> minibatches and at the end
/// when <c>--print-freq</c> is given (Distiller's print frequency). The trainer reads its running metrics to the
/// host only for the minibatches <see cref="IsDue"/> names, so drawing costs no device synchronization per step.
/// </summary>
public sealed class ProgressBar(TextWriter output, string title, int total, bool interactive, int? printFrequency = null)
{
    private const int Width = 24;
    /// <summary>A terminal bar is redrawn this many times an epoch (and at its end), not at every minibatch.</summary>
    private const int Redraws = 50;
    private int _lastPrintedTenth = -1;

    public static bool IsTerminal(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    /// <summary>Whether <see cref="Update"/> at <paramref name="done"/> minibatches would print or redraw anything.</summary>
    public bool IsDue(int done)
    {
        if (done >= total)
            return true;
        if (printFrequency is { } every)
            return done % every == 0;
        if (interactive)
            return done % Math.Max(1, total / Redraws) == 0;
        return (total == 0 ? 10 : 10 * done / total) != _lastPrintedTenth;
    }

    public void Update(int done, double loss, double top1, double lr, double sparsity)
    {
        var filled = total == 0 ? Width : Width * done / total;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{title} [{new string('#', filled)}{new string('.', Width - filled)}] {done}/{total}  loss {loss:F4}  top1 {top1:F2}  lr {lr:G4}  sparsity {sparsity:F2}%");
        if (printFrequency is { } every)
        {
            if (done % every == 0 || done == total)
                output.WriteLine(line);
            return;
        }
        if (interactive)
        {
            output.Write('\r' + line);
            if (done == total)
                output.WriteLine();
            return;
        }
        var tenth = total == 0 ? 10 : 10 * done / total;
        if (tenth == _lastPrintedTenth)
            return;
        _lastPrintedTenth = tenth;
        output.WriteLine(line);
    }
}
