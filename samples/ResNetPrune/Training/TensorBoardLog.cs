using TorchSharp;
using TorchSharp.Modules;

namespace Distiller.Typed.Samples.ResNetPrune.Training;

/// <summary>TensorBoard event files (TorchSharp's <c>SummaryWriter</c>) under <c>OUT_DIR/tensorboard</c>, one point per epoch.</summary>
public sealed class TensorBoardLog(string outDir)
{
    public const string FolderName = "tensorboard";

    private readonly SummaryWriter _writer = torch.utils.tensorboard.SummaryWriter(Path.Combine(outDir, FolderName));

    public void Epoch(int epoch, IReadOnlyDictionary<string, double> scalars)
    {
        var wallTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds(); // TensorBoard reads seconds since 1970
        foreach (var (tag, value) in scalars)
            _writer.add_scalar(tag, (float)value, epoch, wallTime);
    }
}
