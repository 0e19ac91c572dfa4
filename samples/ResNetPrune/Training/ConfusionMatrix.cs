using System.Globalization;
using System.Text;
using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Training;

/// <summary>
/// Counts of (true class, predicted top-1 class) over an evaluation (Distiller's <c>--confusion</c>,
/// torchnet's <c>ConfusionMeter</c>): row = label, column = prediction, so the diagonal holds the correct ones.
/// </summary>
public sealed class ConfusionMatrix(int classes)
{
    private readonly long[,] _counts = new long[classes, classes];

    public int Classes => classes;

    public long this[int label, int predicted] => _counts[label, predicted];

    public void Add(Tensor logits, Tensor target)
    {
        using var scope = NewDisposeScope();
        var predicted = logits.argmax(1).cpu().data<long>().ToArray();
        var labels = target.cpu().data<long>().ToArray();
        for (var i = 0; i < labels.Length; i++)
            _counts[labels[i], predicted[i]]++;
    }

    /// <summary>The matrix as text: one row per true class, its name first.</summary>
    public string Format(IReadOnlyList<string> classNames)
    {
        const string corner = "true \\ predicted";
        var nameWidth = Math.Max(corner.Length, classNames.Select((n, i) => $"{i} {n}".Length).Max()) + 1;
        var cell = Math.Max(6, Enumerable.Range(0, classes).SelectMany(r => Enumerable.Range(0, classes).Select(c => _counts[r, c])).Max().ToString(CultureInfo.InvariantCulture).Length + 1);
        var text = new StringBuilder();
        text.Append(corner.PadRight(nameWidth));
        for (var c = 0; c < classes; c++)
            text.Append(c.ToString(CultureInfo.InvariantCulture).PadLeft(cell));
        text.AppendLine();
        for (var r = 0; r < classes; r++)
        {
            text.Append($"{r} {classNames[r]}".PadRight(nameWidth));
            for (var c = 0; c < classes; c++)
                text.Append(_counts[r, c].ToString(CultureInfo.InvariantCulture).PadLeft(cell));
            text.AppendLine();
        }
        return text.ToString();
    }
}
