using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Tests;

/// <summary>
/// Reads Fashion-MNIST: the full set from the Debian package <c>dataset-fashion-mnist</c> when it is installed,
/// otherwise the class-balanced subset that ships with the sample (<c>samples/ResNetPrune/data</c>: 2,000 training
/// and 500 test images), so the tests pass on a machine with only the .NET SDK. <c>DISTILLER_TYPED_FASHION_MNIST</c>
/// names another folder (e.g. the subset, to run the tests as such a machine would).
/// </summary>
internal static class FashionMnist
{
    public const string SystemDirectory = "/usr/share/datasets/fashion-mnist";
    public const string DirectoryVariable = "DISTILLER_TYPED_FASHION_MNIST";

    public static string Directory { get; } = Resolve();

    /// <summary>True when <see cref="Directory"/> is the full set (60,000 + 10,000 images).</summary>
    public static bool IsFullSet => Count(train: true) == 60000;

    /// <summary>The number of images in the train or test split.</summary>
    public static int Count(bool train)
    {
        using var gz = new GZipStream(File.OpenRead(Files(train).Labels), CompressionMode.Decompress);
        using var reader = new BinaryReader(gz);
        reader.ReadInt32();
        return System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(reader.ReadInt32());
    }

    /// <summary>The first <paramref name="count"/> images ([N, 1, 28, 28], normalized) and labels of the train or test split.</summary>
    public static (Tensor Images, Tensor Labels) Load(bool train, int count)
    {
        var (images, labels) = Files(train);
        var pixels = ReadIdx(images, 2051, count, 28 * 28);
        var classes = ReadIdx(labels, 2049, count, 1);
        var x = torch.tensor(pixels, ScalarType.Byte).reshape(count, 1, 28, 28).to(ScalarType.Float32).div(255).sub(0.2860).div(0.3530);
        var y = torch.tensor(classes, ScalarType.Byte).to(ScalarType.Int64);
        return (x, y);
    }

    private static (string Images, string Labels) Files(bool train)
    {
        string prefix = train ? "train" : "t10k";
        return (Path.Combine(Directory, $"{prefix}-images-idx3-ubyte.gz"), Path.Combine(Directory, $"{prefix}-labels-idx1-ubyte.gz"));
    }

    private static string Resolve()
    {
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } given)
            return System.IO.Directory.Exists(given)
                ? given
                : throw new DirectoryNotFoundException($"{DirectoryVariable}={given}: no such folder.");
        if (File.Exists(Path.Combine(SystemDirectory, "train-images-idx3-ubyte.gz")))
            return SystemDirectory;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Distiller.Typed.sln")))
            dir = dir.Parent;
        return dir is null
            ? throw new InvalidOperationException($"Neither {SystemDirectory} (apt-get install dataset-fashion-mnist) nor the repository's shipped subset was found.")
            : Path.Combine(dir.FullName, "samples", "ResNetPrune", "data");
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
