using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Tests;

/// <summary>Reads Fashion-MNIST from the IDX files of the Debian package <c>dataset-fashion-mnist</c>.</summary>
internal static class FashionMnist
{
    public const string Directory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The first <paramref name="count"/> images ([N, 1, 28, 28], normalized) and labels of the train or test split.</summary>
    public static (Tensor Images, Tensor Labels) Load(bool train, int count)
    {
        string prefix = train ? "train" : "t10k";
        string images = Path.Combine(Directory, $"{prefix}-images-idx3-ubyte.gz");
        string labels = Path.Combine(Directory, $"{prefix}-labels-idx1-ubyte.gz");
        if (!File.Exists(images) || !File.Exists(labels))
            throw new InvalidOperationException(
                $"Fashion-MNIST not found in {Directory}. Install it with: sudo apt-get install -y dataset-fashion-mnist");
        var pixels = ReadIdx(images, 2051, count, 28 * 28);
        var classes = ReadIdx(labels, 2049, count, 1);
        var x = torch.tensor(pixels, ScalarType.Byte).reshape(count, 1, 28, 28).to(ScalarType.Float32).div(255).sub(0.2860).div(0.3530);
        var y = torch.tensor(classes, ScalarType.Byte).to(ScalarType.Int64);
        return (x, y);
    }

    private static byte[] ReadIdx(string path, int magic, int count, int itemSize)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new BinaryReader(gz);
        int ReadBigEndian() => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(reader.ReadInt32());
        if (ReadBigEndian() != magic)
            throw new InvalidDataException($"{path} is not an IDX file with magic {magic}.");
        int n = ReadBigEndian();
        for (int i = 0; i < (magic & 0xff) - 1; i++) ReadBigEndian();
        if (count > n)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{path} holds only {n} items.");
        var data = reader.ReadBytes(count * itemSize);
        if (data.Length != count * itemSize)
            throw new InvalidDataException($"{path} ended early.");
        return data;
    }
}
