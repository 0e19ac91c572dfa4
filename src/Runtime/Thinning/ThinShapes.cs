using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Thinning;

/// <summary>
/// The shapes of a thinned model's tensors, which a checkpoint stores so that loading builds the thin architecture
/// before it reads the weights (Distiller stores its thinning recipes for the same purpose). <see cref="NetworkThinning"/>
/// marks the models it thinned; <see cref="Of"/> returns their shapes, <see cref="Apply"/> gives a freshly built model
/// those shapes.
/// </summary>
public sealed class ThinShapes
{
    private static readonly ConditionalWeakTable<nn.Module, object> Thinned = new();

    private ThinShapes(IReadOnlyDictionary<string, long[]> shapes) => Shapes = shapes;

    /// <summary>Tensor name (parameters and buffers, as <c>state_dict()</c> names them) → shape.</summary>
    public IReadOnlyDictionary<string, long[]> Shapes { get; }

    internal static void Record(nn.Module model) => Thinned.AddOrUpdate(model, true);

    /// <summary>The shapes of <paramref name="model"/> when it was thinned (or given thin shapes), else null.</summary>
    public static ThinShapes? Of(nn.Module model) =>
        Thinned.TryGetValue(model, out _)
            ? new ThinShapes(model.state_dict().ToDictionary(e => e.Key, e => e.Value.shape, StringComparer.Ordinal))
            : null;

    public void Write(BinaryWriter writer)
    {
        writer.Write(Shapes.Count);
        foreach (var (name, shape) in Shapes)
        {
            writer.Write(name);
            writer.Write(shape.Length);
            foreach (var d in shape)
                writer.Write(d);
        }
    }

    public static ThinShapes Read(BinaryReader reader)
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
        return new ThinShapes(shapes);
    }

    /// <summary>
    /// Resizes the tensors of <paramref name="model"/> (built dense) to these shapes and updates its layers' sizes; the
    /// values are then loaded from the checkpoint's weights. Throws an <see cref="InvalidDataException"/> naming every
    /// tensor that does not fit — the checkpoint was made from another architecture — and changes nothing then.
    /// </summary>
    public void Apply(nn.Module model, string source)
    {
        var tensors = model.state_dict();
        var problems = new List<string>();
        foreach (var (name, shape) in Shapes)
        {
            if (!tensors.TryGetValue(name, out var t))
                problems.Add($"'{name}' {Text(shape)} is not a tensor of the model");
            else if (t.dim() != shape.Length || shape.Where((d, i) => d < 1 || d > t.shape[i]).Any())
                problems.Add($"'{name}' is {Text(shape)} in the checkpoint, which thinning cannot make of the model's {Text(t.shape)}");
        }
        problems.AddRange(tensors.Keys.Where(n => !Shapes.ContainsKey(n)).Select(n => $"the model's '{n}' is not in the checkpoint"));
        if (problems.Count > 0)
            throw new InvalidDataException(
                $"{source}: the checkpoint holds a thinned model whose shapes do not fit the model built to load it " +
                $"({model.GetType().Name}): {string.Join("; ", problems)}. Load it with the architecture (--arch) it was trained with.");

        var touched = new HashSet<string>(StringComparer.Ordinal);
        using (no_grad())
        {
            foreach (var (name, shape) in Shapes)
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
        Record(model);
    }

    private static string Text(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
