using System.Buffers.Binary;
using System.IO.Compression;

namespace Distiller.Typed.Samples.ResNetPrune.Data;

/// <summary>
/// The IDX format of LeCun's MNIST files, gzip-compressed: a big-endian magic number <c>0x00 0x00 type rank</c>
/// (type 0x08 = unsigned byte), <c>rank</c> big-endian int32 dimensions, then the values in row-major order.
/// </summary>
public static class IdxFile
{
    private const byte UnsignedByte = 0x08;

    /// <summary>Reads an unsigned-byte IDX(.gz) file of the given rank; any other content is an <see cref="InvalidDataException"/> naming the file.</summary>
    public static (int[] Dimensions, byte[] Values) Read(string path, int expectedRank)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        try
        {
            using var file = File.OpenRead(path);
            using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
            Span<byte> magic = stackalloc byte[4];
            ReadExactly(stream, magic, path, "the magic number");
            if (magic[0] != 0 || magic[1] != 0 || magic[2] != UnsignedByte || magic[3] != expectedRank)
                throw new InvalidDataException(
                    $"'{path}' is not an IDX file of unsigned bytes with {expectedRank} dimensions: its magic number is " +
                    $"0x{magic[0]:X2}{magic[1]:X2}{magic[2]:X2}{magic[3]:X2}, expected 0x0000{UnsignedByte:X2}{expectedRank:X2}.");

            var dimensions = new int[expectedRank];
            Span<byte> word = stackalloc byte[4];
            long count = 1;
            for (var i = 0; i < expectedRank; i++)
            {
                ReadExactly(stream, word, path, $"dimension {i}");
                dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(word);
                if (dimensions[i] <= 0)
                    throw new InvalidDataException($"'{path}' declares dimension {i} as {dimensions[i]}; IDX dimensions must be positive.");
                count *= dimensions[i];
            }
            if (count > Array.MaxLength)
                throw new InvalidDataException($"'{path}' declares {count} values, more than this reader can hold.");

            var values = new byte[count];
            ReadExactly(stream, values, path, $"{count} values ({string.Join("×", dimensions)})");
            if (stream.ReadByte() != -1)
                throw new InvalidDataException($"'{path}' has data after its {count} declared values ({string.Join("×", dimensions)}).");
            return (dimensions, values);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException && e.Message.Contains(path, StringComparison.Ordinal) is false)
        {
            // GZipStream reports a damaged archive without the file name.
            throw new InvalidDataException($"'{path}' is corrupt: {e.Message}", e);
        }
    }

    /// <summary>Writes an unsigned-byte IDX file, gzip-compressed when <paramref name="path"/> ends in .gz.</summary>
    public static void Write(string path, IReadOnlyList<int> dimensions, ReadOnlySpan<byte> values)
    {
        long count = 1;
        foreach (var d in dimensions)
            count *= d > 0 ? d : throw new ArgumentOutOfRangeException(nameof(dimensions), d, "IDX dimensions must be positive.");
        if (count != values.Length)
            throw new ArgumentException($"The dimensions hold {count} values but {values.Length} were given.", nameof(values));

        using var file = File.Create(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.SmallestSize) : file;
        stream.Write([0, 0, UnsignedByte, (byte)dimensions.Count]);
        Span<byte> word = stackalloc byte[4];
        foreach (var d in dimensions)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, d);
            stream.Write(word);
        }
        stream.Write(values);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string path, string what)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = stream.Read(buffer[read..]);
            if (n == 0)
                throw new InvalidDataException($"'{path}' is truncated: it ends while reading {what} ({read} of {buffer.Length} bytes).");
            read += n;
        }
    }
}
