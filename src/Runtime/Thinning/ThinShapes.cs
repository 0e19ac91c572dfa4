using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Thinning;

/// <summary>
/// The shapes of a thinned model's tensors and of the dense model it was thinned from, which a checkpoint stores so
/// that loading builds the thin architecture before it reads the weights (Distiller stores its thinning recipes for the
/// same purpose). <see cref="NetworkThinning"/> marks the models it thins; <see cref="Of"/> returns their shapes,
/// <see cref="Apply"/> gives a freshly built dense model the thin shapes after checking it is the model they came from.
/// </summary>
public sealed class ThinShapes
{
    private static readonly ConditionalWeakTable<nn.Module, IReadOnlyDictionary<string, long[]>> DenseShapes = new();

    private ThinShapes(IReadOnlyDictionary<string, long[]> dense, IReadOnlyDictionary<string, long[]> thin)
    {
        Dense = dense;
        Thin = thin;
    }

    /// <summary>Tensor name (parameters and buffers, as <c>state_dict()</c> names them) → shape before any thinning.</summary>
    public IReadOnlyDictionary<string, long[]> Dense { get; }

    /// <summary>Tensor name → shape now.</summary>
    public IReadOnlyDictionary<string, long[]> Thin { get; }

    internal static IReadOnlyDictionary<string, long[]> Current(nn.Module model) =>
        model.state_dict().ToDictionary(e => e.Key, e => e.Value.shape, StringComparer.Ordinal);

    /// <summary>Marks <paramref name="model"/> as thinned from <paramref name="dense"/> (the first thinning's dense shapes are kept).</summary>
    internal static void Record(nn.Module model, IReadOnlyDictionary<string, long[]> dense) => DenseShapes.TryAdd(model, dense);

    /// <summary>The shapes of <paramref name="model"/> when it was thinned (or loaded thin), else null.</summary>
    public static ThinShapes? Of(nn.Module model) =>
        DenseShapes.TryGetValue(model, out var dense) ? new ThinShapes(dense, Current(model)) : null;

    public void Write(BinaryWriter writer)
    {
        Write(writer, Dense);
        Write(writer, Thin);
    }

    public static ThinShapes Read(BinaryReader reader) => new(ReadShapes(reader), ReadShapes(reader));

    /// <summary>
    /// Resizes the tensors of <paramref name="model"/> (built dense) to the thin shapes and updates its layers' sizes;
    /// the values are then loaded from the checkpoint's weights. Throws an <see cref="InvalidDataException"/> naming
    /// every tensor that differs from the dense model the checkpoint was thinned from — it was made from another
    /// architecture — and changes nothing then.
    /// </summary>
    /// <param name="model">A freshly built model of the architecture the checkpoint was made from.</param>
    /// <param name="source">The checkpoint's path, for messages.</param>
    public void Apply(nn.Module model, string source)
    {
        var tensors = model.state_dict();
        var problems = new List<string>();
        foreach (var (name, shape) in Dense)
        {
            if (!tensors.TryGetValue(name, out var t))
                problems.Add($"'{name}' {Text(shape)} is not a tensor of the model");
            else if (!t.shape.SequenceEqual(shape) && !t.shape.SequenceEqual(Thin.GetValueOrDefault(name) ?? shape))
                problems.Add($"'{name}' was {Text(shape)} before thinning, but is {Text(t.shape)} in the model");
        }
        problems.AddRange(tensors.Keys.Where(n => !Dense.ContainsKey(n)).Select(n => $"the model's '{n}' is not in the checkpoint"));
        var malformed = Thin.Where(e => !Dense.TryGetValue(e.Key, out var d) || d.Length != e.Value.Length || e.Value.Where((x, i) => x < 1 || x > d[i]).Any())
            .Select(e => $"'{e.Key}' {Text(e.Value)} cannot be thinned from {(Dense.TryGetValue(e.Key, out var d) ? Text(d) : "nothing")}");
        problems.AddRange(malformed);
        if (problems.Count > 0)
            throw new InvalidDataException(
                $"{source}: the checkpoint holds a thinned model whose shapes do not fit the model built to load it " +
                $"({model.GetType().Name}): {string.Join("; ", problems)}. Load it with the architecture it was trained with.");

        var touched = new HashSet<string>(StringComparer.Ordinal);
        using (no_grad())
        {
            foreach (var (name, shape) in Thin)
            {
                var t = tensors[name];
                if (t.shape.SequenceEqual(shape))
                    continue;
                using var fresh = zeros(shape, t.dtype, t.device);
                t.set_(fresh.clone());
                touched.Add(name.LastIndexOf('.') is var dot and >= 0 ? name[..dot] : "");
            }
        }
        foreach (var (name, module) in model.named_modules())
            if (touched.Contains(name))
                ModuleShapes.Sync(module);
        Record(model, Dense);
    }

    private static void Write(BinaryWriter writer, IReadOnlyDictionary<string, long[]> shapes)
    {
        writer.Write(shapes.Count);
        foreach (var (name, shape) in shapes)
        {
            writer.Write(name);
            writer.Write(shape.Length);
            foreach (var d in shape)
                writer.Write(d);
        }
    }

    private static Dictionary<string, long[]> ReadShapes(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            var shape = new long[reader.ReadInt32()];
            for (int d = 0; d < shape.Length; d++)
                shape[d] = reader.ReadInt64();
            shapes[name] = shape;
        }
        return shapes;
    }

    private static string Text(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
