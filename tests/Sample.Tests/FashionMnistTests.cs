using System.IO.Compression;
using Distiller.Typed.Samples.ResNetPrune.Data;
using static TorchSharp.torch;

namespace Distiller.Typed.Sample.Tests;

public sealed class FashionMnistTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fmnist-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ShippedSubsetHolds200TrainAnd50TestImagesOfEveryClass()
    {
        using var train = FashionMnist.Load(FashionMnist.ShippedSubsetDirectory, DataSplit.Train);
        using var test = FashionMnist.Load(FashionMnist.ShippedSubsetDirectory, DataSplit.Test);
        Assert.Equal(new long[] { 2000, 1, 28, 28 }, train.Images.shape);
        Assert.Equal(new long[] { 500, 1, 28, 28 }, test.Images.shape);
        Assert.All(train.Labels.bincount(null).data<long>().ToArray(), n => Assert.Equal(200, n));
        Assert.All(test.Labels.bincount(null).data<long>().ToArray(), n => Assert.Equal(50, n));
        // Normalised: pixel 0 maps to -0.2860/0.3530 = -0.8102, pixel 255 to (1-0.2860)/0.3530 = 2.0227.
        Assert.Equal(-0.8102, train.Images.min().item<float>(), 3);
        Assert.Equal(2.0227, train.Images.max().item<float>(), 3);
    }

    [Fact]
    public void IdxRoundTripsPixelsLabelsAndNormalises()
    {
        WriteSet(_dir, DataSplit.Test, [0, 255, 51], [3, 9, 0]);
        using var set = FashionMnist.Load(_dir, DataSplit.Test);
        Assert.Equal(new long[] { 3, 9, 0 }, set.Labels.data<long>().ToArray());
        // First pixel of each image: (0/255 - 0.286)/0.353 = -0.81020, (1 - 0.286)/0.353 = 2.02266, (0.2 - 0.286)/0.353 = -0.24363
        var first = set.Images[.., 0, 0, 0].data<float>().ToArray();
        Assert.Equal(-0.81020, first[0], 4);
        Assert.Equal(2.02266, first[1], 4);
        Assert.Equal(-0.24363, first[2], 4);
    }

    [Fact]
    public void MissingFileNamesItAndTheDebianPackage()
    {
        var error = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(_dir, DataSplit.Train));
        Assert.Contains("train-images-idx3-ubyte.gz", error.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", error.Message);
        Assert.Contains("--data", error.Message);
    }

    [Fact]
    public void TruncatedFileIsReportedAsCorruptWithItsName()
    {
        WriteSet(_dir, DataSplit.Train, [1, 2, 3, 4], [0, 1, 2, 3]);
        var labels = Path.Combine(_dir, FashionMnist.LabelsFile(DataSplit.Train));
        using (var file = File.Create(labels))
        using (var gz = new GZipStream(file, CompressionLevel.Fastest))
            gz.Write([0, 0, 8, 1, 0, 0, 0, 4, 0, 1]); // declares 4 labels, holds 2
        var error = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_dir, DataSplit.Train));
        Assert.Contains(labels, error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Contains("dataset-fashion-mnist", error.Message);
    }

    [Fact]
    public void NonGzipGarbageIsReportedAsCorruptWithItsName()
    {
        WriteSet(_dir, DataSplit.Train, [1, 2], [0, 1]);
        var images = Path.Combine(_dir, FashionMnist.ImagesFile(DataSplit.Train));
        File.WriteAllText(images, "<html>404 Not Found</html>");
        var error = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_dir, DataSplit.Train));
        Assert.Contains(images, error.Message);
        Assert.Contains("dataset-fashion-mnist", error.Message);
    }

    [Fact]
    public void WrongMagicAndOutOfRangeLabelsAreReported()
    {
        WriteSet(_dir, DataSplit.Train, [1, 2], [0, 10]);
        var bad = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_dir, DataSplit.Train));
        Assert.Contains("label 10 at index 1", bad.Message);

        // An images file given where labels are expected: rank 3 magic, not rank 1.
        File.Copy(Path.Combine(_dir, FashionMnist.ImagesFile(DataSplit.Train)), Path.Combine(_dir, FashionMnist.LabelsFile(DataSplit.Train)), overwrite: true);
        var magic = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_dir, DataSplit.Train));
        Assert.Contains("0x00000803, expected 0x00000801", magic.Message);
    }

    [Fact]
    public void ShufflingIsDeterministicPerSeedAndCoversEveryImageOnce()
    {
        using var set = new LabeledImages(zeros(10, 1, 2, 2), arange(10L));
        var a = set.Minibatches(4, shuffleSeed: 7);
        var b = set.Minibatches(4, shuffleSeed: 7);
        var c = set.Minibatches(4, shuffleSeed: 8);
        Assert.Equal(new[] { 4, 4, 2 }, a.Select(x => x.Length));
        Assert.Equal(a.SelectMany(x => x), b.SelectMany(x => x));
        Assert.NotEqual(a.SelectMany(x => x), c.SelectMany(x => x));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), a.SelectMany(x => x).Order());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), set.Minibatches(4, null).SelectMany(x => x));
        Assert.Equal(2, set.Minibatches(4, 7, maxBatches: 2).Count);

        using var scope = NewDisposeScope();
        var (input, target) = set.Batch([3, 1], CPU);
        Assert.Equal(new long[] { 2, 1, 2, 2 }, input.shape);
        Assert.Equal(new long[] { 3, 1 }, target.data<long>().ToArray());
    }

    /// <summary>A set of n images whose pixels are all <c>firstPixels[i]</c>.</summary>
    private static void WriteSet(string dir, DataSplit split, byte[] firstPixels, byte[] labels)
    {
        var pixels = firstPixels.SelectMany(p => Enumerable.Repeat(p, 28 * 28)).ToArray();
        IdxFile.Write(Path.Combine(dir, FashionMnist.ImagesFile(split)), [firstPixels.Length, 28, 28], pixels);
        IdxFile.Write(Path.Combine(dir, FashionMnist.LabelsFile(split)), [labels.Length], labels);
    }
}
