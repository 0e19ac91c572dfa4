using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Data;

/// <summary>
/// A labelled image set held in memory as two tensors: normalised images [N, 1, H, W] (float32) and class indices
/// [N] (int64). Minibatches are chosen by index so that the caller creates them inside its own dispose scope.
/// </summary>
public sealed class LabeledImages : IDisposable
{
    public LabeledImages(Tensor images, Tensor labels)
    {
        if (images.dim() != 4)
            throw new ArgumentException($"Images must be [N, C, H, W]; got {images.dim()} dimensions.", nameof(images));
        if (labels.dim() != 1 || labels.shape[0] != images.shape[0])
            throw new ArgumentException($"Labels must be [N] with N = {images.shape[0]} images; got [{string.Join(", ", labels.shape)}].", nameof(labels));
        Images = images;
        Labels = labels;
    }

    public Tensor Images { get; }
    public Tensor Labels { get; }
    public int Count => (int)Images.shape[0];

    /// <summary>
    /// The minibatches of one pass, as index arrays: shuffled with a generator seeded by
    /// <paramref name="shuffleSeed"/> (the same seed always gives the same order), or in order when it is null.
    /// <paramref name="maxBatches"/> stops the pass early (0 = whole set).
    /// </summary>
    public IReadOnlyList<long[]> Minibatches(int batchSize, int? shuffleSeed, int maxBatches = 0)
    {
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        var order = Enumerable.Range(0, Count).Select(i => (long)i).ToArray();
        if (shuffleSeed is { } seed)
            new Random(seed).Shuffle(order);
        var batches = order.Chunk(batchSize).ToList();
        return maxBatches > 0 && maxBatches < batches.Count ? batches.GetRange(0, maxBatches) : batches;
    }

    /// <summary>The images and labels at <paramref name="indices"/>, on <paramref name="device"/>, in the caller's dispose scope.</summary>
    public (Tensor Input, Tensor Target) Batch(long[] indices, Device device)
    {
        using var index = tensor(indices);
        return (Images.index_select(0, index).to(device), Labels.index_select(0, index).to(device));
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
