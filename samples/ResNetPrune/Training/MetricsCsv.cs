using System.Globalization;
using System.Text;

namespace Distiller.Typed.Samples.ResNetPrune.Training;

/// <summary>
/// <c>metrics.csv</c> in the output folder, one row per epoch. The rows live in memory and the whole file is rewritten in
/// each epoch's commit (<see cref="Checkpoints.RunFolder.Commit"/>), so it always matches the checkpoint beside it: a
/// resumed run keeps the rows of the epochs its checkpoint completed and drops later ones (an epoch whose commit did not
/// happen is trained again).
/// </summary>
public sealed class MetricsCsv
{
    public const string FileName = "metrics.csv";
    public const string Header = "epoch,lr,train_loss,val_loss,top1,top5,total_sparsity";

    private readonly List<string> _rows;

    public MetricsCsv(string outDir, int firstEpoch)
    {
        var path = Path.Combine(outDir, FileName);
        _rows = firstEpoch > 0 && File.Exists(path)
            ? File.ReadLines(path).Skip(1).Where(line => int.TryParse(line.Split(',')[0], CultureInfo.InvariantCulture, out var e) && e < firstEpoch).ToList()
            : [];
    }

    public void Add(int epoch, double lr, double trainLoss, double valLoss, double top1, double top5, double sparsity) =>
        _rows.Add(string.Create(CultureInfo.InvariantCulture,
            $"{epoch},{lr:R},{trainLoss:F6},{valLoss:F6},{top1:F3},{top5:F3},{sparsity:F3}"));

    /// <summary>The file's contents: the header and every row so far.</summary>
    public byte[] Contents() => Encoding.UTF8.GetBytes(string.Join('\n', [Header, .. _rows]) + "\n");
}
