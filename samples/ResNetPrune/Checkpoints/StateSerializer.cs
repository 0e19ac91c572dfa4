using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Checkpoints;

/// <summary>
/// Writes and reads the state dictionaries policies and schedulers save (<c>Policy.SaveState</c>): values may be
/// tensors, numbers, booleans, strings, arrays of doubles or nested dictionaries of the same. Tensors are read back
/// on the CPU; the owner moves them to its device.
/// </summary>
public static class StateSerializer
{
    private enum Kind : byte { Tensor = 1, Double, Single, Int32, Int64, Boolean, String, Doubles, Dictionary }

    public static void Write(BinaryWriter writer, IEnumerable<KeyValuePair<string, object>> state)
    {
        var entries = state.ToList();
        writer.Write(entries.Count);
        foreach (var (key, value) in entries)
        {
            writer.Write(key);
            WriteValue(writer, key, value);
        }
    }

    public static Dictionary<string, object> Read(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        var state = new Dictionary<string, object>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadString();
            state[key] = ReadValue(reader, key);
        }
        return state;
    }

    private static void WriteValue(BinaryWriter writer, string key, object value)
    {
        switch (value)
        {
            case Tensor tensor:
                writer.Write((byte)Kind.Tensor);
                using (var cpu = tensor.detach().cpu().contiguous())
                {
                    writer.Write((int)cpu.dtype);
                    writer.Write((int)cpu.dim());
                    foreach (var d in cpu.shape)
                        writer.Write(d);
                    var bytes = cpu.bytes;
                    writer.Write(bytes.Length);
                    writer.Write(bytes);
                }
                break;
            case double d: writer.Write((byte)Kind.Double); writer.Write(d); break;
            case float f: writer.Write((byte)Kind.Single); writer.Write(f); break;
            case int i: writer.Write((byte)Kind.Int32); writer.Write(i); break;
            case long l: writer.Write((byte)Kind.Int64); writer.Write(l); break;
            case bool b: writer.Write((byte)Kind.Boolean); writer.Write(b); break;
            case string s: writer.Write((byte)Kind.String); writer.Write(s); break;
            case double[] values:
                writer.Write((byte)Kind.Doubles);
                writer.Write(values.Length);
                foreach (var v in values)
                    writer.Write(v);
                break;
            case IEnumerable<KeyValuePair<string, object>> nested:
                writer.Write((byte)Kind.Dictionary);
                Write(writer, nested);
                break;
            default:
                throw new ArgumentException(
                    $"State entry '{key}' holds a {value?.GetType().Name ?? "null"}; a checkpoint can hold tensors, double, float, int, long, bool, string, double[] and nested string-keyed dictionaries.",
                    nameof(value));
        }
    }

    private static object ReadValue(BinaryReader reader, string key)
    {
        var kind = (Kind)reader.ReadByte();
        switch (kind)
        {
            case Kind.Tensor:
                var dtype = (ScalarType)reader.ReadInt32();
                var shape = new long[reader.ReadInt32()];
                for (var i = 0; i < shape.Length; i++)
                    shape[i] = reader.ReadInt64();
                var bytes = reader.ReadBytes(reader.ReadInt32());
                var tensor = empty(shape, dtype);
                tensor.bytes = bytes;
                return tensor;
            case Kind.Double: return reader.ReadDouble();
            case Kind.Single: return reader.ReadSingle();
            case Kind.Int32: return reader.ReadInt32();
            case Kind.Int64: return reader.ReadInt64();
            case Kind.Boolean: return reader.ReadBoolean();
            case Kind.String: return reader.ReadString();
            case Kind.Doubles:
                var values = new double[reader.ReadInt32()];
                for (var i = 0; i < values.Length; i++)
                    values[i] = reader.ReadDouble();
                return values;
            case Kind.Dictionary: return Read(reader);
            default:
                throw new InvalidDataException($"State entry '{key}' has unknown kind {(byte)kind}.");
        }
    }
}
