using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Scheduling;

/// <summary>
/// Reads and writes a scheduler state dictionary (string keys; tensor, bool, int, long, double or string values)
/// as a small binary file: the magic "DTSCHED1", the entry count, then per entry the key, a type tag and the
/// value. Tensors use TorchSharp's own tensor serialization and are written from the CPU.
/// </summary>
public static class SchedulerStateFile
{
    private const string Magic = "DTSCHED1";

    private enum Tag : byte { Tensor = 1, Bool = 2, Int32 = 3, Int64 = 4, Double = 5, String = 6 }

    public static void Write(Stream stream, IReadOnlyDictionary<string, object> state)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(state);
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(state.Count);
        foreach (var (key, value) in state.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            writer.Write(key);
            switch (value)
            {
                case Tensor tensor:
                    writer.Write((byte)Tag.Tensor);
                    using (var cpu = tensor.detach().cpu())
                        cpu.Save(writer);
                    break;
                case bool b: writer.Write((byte)Tag.Bool); writer.Write(b); break;
                case int i: writer.Write((byte)Tag.Int32); writer.Write(i); break;
                case long l: writer.Write((byte)Tag.Int64); writer.Write(l); break;
                case double d: writer.Write((byte)Tag.Double); writer.Write(d); break;
                case string s: writer.Write((byte)Tag.String); writer.Write(s); break;
                default:
                    throw new NotSupportedException(
                        $"Scheduler state entry '{key}' is a {value?.GetType().Name ?? "null"}; only Tensor, bool, int, long, double and string can be saved.");
            }
        }
    }

    /// <summary>Reads a state; tensors come back on the CPU and are owned by the caller.</summary>
    public static Dictionary<string, object> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        string magic;
        try { magic = reader.ReadString(); }
        catch (Exception e) when (e is EndOfStreamException or IOException) { magic = ""; }
        if (magic != Magic)
            throw new InvalidDataException("This is not a Distiller.Typed scheduler state (the file does not start with DTSCHED1).");
        int count = reader.ReadInt32();
        var state = new Dictionary<string, object>(count, StringComparer.Ordinal);
        for (int n = 0; n < count; n++)
        {
            var key = reader.ReadString();
            var tag = (Tag)reader.ReadByte();
            state[key] = tag switch
            {
                Tag.Tensor => TensorExtensionMethods.Load(reader).DetachFromDisposeScope(),
                Tag.Bool => reader.ReadBoolean(),
                Tag.Int32 => reader.ReadInt32(),
                Tag.Int64 => reader.ReadInt64(),
                Tag.Double => reader.ReadDouble(),
                Tag.String => reader.ReadString(),
                _ => throw new InvalidDataException($"Scheduler state entry '{key}' has an unknown type tag {(byte)tag}."),
            };
        }
        return state;
    }
}
