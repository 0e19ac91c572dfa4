using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Regularization;

/// <summary>Shared constructor checks: every name in <c>reg_regims</c> must be a parameter of the model.</summary>
internal static class RegularizedParameters
{
    public static Dictionary<string, long[]> ShapesOf(nn.Module model, string owner)
    {
        ArgumentNullException.ThrowIfNull(model, nameof(model));
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var (name, parameter) in model.named_parameters())
            shapes[name] = parameter.shape;
        return shapes;
    }

    public static long[] RequireParameter(Dictionary<string, long[]> shapes, string parameterName, string owner)
    {
        if (shapes.TryGetValue(parameterName, out var shape))
            return shape;
        var near = shapes.Keys.Where(k => k.EndsWith(parameterName.Split('.').Last(), StringComparison.Ordinal)).Take(5).ToArray();
        throw new ArgumentException(
            $"{owner}: reg_regims names '{parameterName}', which is not a parameter of the model" +
            (near.Length > 0 ? $" (parameters include {string.Join(", ", near.Select(n => $"'{n}'"))})." : "."),
            "reg_regims");
    }

    public static void RequireNonNegative(double strength, string parameterName, string owner)
    {
        if (!(strength >= 0) || double.IsInfinity(strength))
            throw new ArgumentOutOfRangeException("reg_regims", strength,
                $"{owner}: the strength (lambda) of '{parameterName}' must be a finite number >= 0.");
    }
}
