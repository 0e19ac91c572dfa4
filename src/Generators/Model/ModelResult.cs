using Distiller.Typed.Schedules;
using Distiller.Typed.Generators.Helpers;

namespace Distiller.Typed.Generators.Model;

/// <summary>Stage 2's output for one annotated class: its shape, or the reason analysis failed (no crash).</summary>
internal sealed record ModelResult(ModelShape? Shape, string? Failure, string ClassName)
{
    /// <summary>The shapes of this compilation's models, then those of referenced assemblies.</summary>
    public static EquatableArray<ModelShape> Shapes(System.Collections.Immutable.ImmutableArray<ModelResult> results, EquatableArray<ModelShape> referenced)
    {
        var shapes = new System.Collections.Generic.List<ModelShape>();
        foreach (var result in results)
        {
            if (result.Shape is not null)
            {
                shapes.Add(result.Shape);
            }
        }

        shapes.AddRange(referenced);
        return shapes.ToEquatableArray();
    }
}
