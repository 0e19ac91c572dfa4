using System.Globalization;

namespace Distiller.Typed.Samples.ResNetPrune.Training;

/// <summary>
/// <c>metrics.csv</c> in the output folder, one row per epoch. A resumed run first drops the rows of epochs after
/// its checkpoint (a run killed between writing a row and its checkpoint repeats that epoch), then appends.
/// </summary>
public sealed class MetricsCsv
{
    public const string FileName = "metrics.csv";
    public const string Header = "epoch,lr,train_loss,val_loss,top1,top5,total_sparsity";

    private readonly string _path;

    public MetricsCsv(string outDir, int firstEpoch)
    {
        _path = Path.Combine(outDir, FileName);
        var kept = File.Exists(_path)
            ? File.ReadLines(_path).Skip(1).Where(line => int.TryParse(line.Split(',')[0], CultureInfo.InvariantCulture, out var e) && e < firstEpoch).ToList()
            : [];
        File.WriteAllLines(_path, [Header, .. kept]);
    }

    public void Append(int epoch, double lr, double trainLoss, double valLoss, double top1, double top5, double sparsity) =>
        File.AppendAllText(_path, string.Create(CultureInfo.InvariantCulture,
            $"{epoch},{lr:R},{trainLoss:F6},{valLoss:F6},{top1:F3},{top5:F3},{sparsity:F3}\n"));
}
