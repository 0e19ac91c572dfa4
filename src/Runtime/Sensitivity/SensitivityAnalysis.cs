using Distiller.Typed.Masks;
using Distiller.Typed.Pruning;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Sensitivity;

/// <summary>
/// Pruning sensitivity analysis (Distiller's <c>perform_sensitivity_analysis</c>; Han et al., "Learning both Weights
/// and Connections for Efficient Neural Networks", 2015, https://arxiv.org/abs/1506.02626): each weight tensor is
/// pruned alone to each level, the model is evaluated, and the tensor's values are put back exactly before the next
/// level, so every row measures one tensor at one level with every other weight dense.
/// <list type="bullet">
/// <item><see cref="SensitivityGroup.Element"/>: <see cref="SparsityLevelParameterPruner"/>, <c>int(level × numel)</c>
/// smallest magnitudes zeroed; 2-D and 4-D weights (fully connected and convolution), as Distiller.</item>
/// <item><see cref="SensitivityGroup.Filter"/> / <see cref="SensitivityGroup.Channel"/>:
/// <see cref="L1RankedStructureParameterPruner"/> with <c>Filters</c> / <c>Channels</c>; 4-D weights only.</item>
/// </list>
/// Where Distiller prunes a deep copy of the model level after level, this saves the one tensor under test and
/// copies it back after each level: no second model in memory, and each level starts from the dense tensor.
/// </summary>
public static class SensitivityAnalysis
{
    /// <summary>The weights an analysis of <paramref name="group"/> tests, in <c>named_parameters()</c> order.</summary>
    public static IReadOnlyList<string> TestedParameters(nn.Module model, SensitivityGroup group) =>
        model.named_parameters()
            .Where(p => group == SensitivityGroup.Element ? p.parameter.dim() is 2 or 4 : p.parameter.dim() == 4)
            .Select(p => p.name)
            .ToArray();

    /// <summary>
    /// Runs the analysis: for each of <paramref name="parameters"/> (default <see cref="TestedParameters"/>) and each
    /// of <paramref name="levels"/>, prunes the tensor, calls <paramref name="evaluate"/>, restores the tensor.
    /// </summary>
    /// <param name="progress">Called before each evaluation with the parameter and level (for a log line).</param>
    /// <returns>The rows in order: parameter by parameter, level by level.</returns>
    public static IReadOnlyList<SensitivityPoint> Run(nn.Module model, SensitivityGroup group, IReadOnlyList<double> levels,
        Func<SensitivityScore> evaluate, IReadOnlyList<string>? parameters = null, Action<string, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(evaluate);
        foreach (var level in levels)
            if (!(level >= 0 && level <= 1))
                throw new ArgumentOutOfRangeException(nameof(levels), level, "A sensitivity level is a fraction of the weights to prune, in [0, 1].");
        var byName = model.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var tested = TestedParameters(model, group);
        var names = parameters ?? tested;
        foreach (var name in names)
            if (!tested.Contains(name))
                throw new ArgumentException(byName.ContainsKey(name)
                    ? $"'{name}' is a {byName[name].dim()}-D parameter; a {group.Name()} sensitivity analysis tests {(group == SensitivityGroup.Element ? "2-D and 4-D" : "4-D (convolution)")} weights."
                    : $"The model has no parameter named '{name}'.", nameof(parameters));

        var rows = new List<SensitivityPoint>(names.Count * levels.Count);
        foreach (var name in names)
        {
            var parameter = byName[name];
            using var dense = parameter.detach().clone();
            try
            {
                foreach (var level in levels)
                {
                    Prune(model, parameter, name, group, level);
                    progress?.Invoke(name, level);
                    rows.Add(new SensitivityPoint(name, level, evaluate()));
                    Restore(parameter, dense);
                }
            }
            finally
            {
                Restore(parameter, dense); // also when an evaluation throws: the caller's model stays as it was
            }
        }
        return rows;
    }

    /// <summary>Zeroes what the pruner of <paramref name="group"/> would mask at <paramref name="level"/>, in place.</summary>
    public static void Prune(nn.Module model, Tensor parameter, string name, SensitivityGroup group, double level)
    {
        IPruner pruner = group switch
        {
            SensitivityGroup.Element => new SparsityLevelParameterPruner("sensitivity", new Dictionary<string, double> { [name] = level }),
            SensitivityGroup.Filter => new L1RankedStructureParameterPruner("sensitivity", "Filters", level, [name]),
            SensitivityGroup.Channel => new L1RankedStructureParameterPruner("sensitivity", "Channels", level, [name]),
            _ => throw new ArgumentOutOfRangeException(nameof(group), group, null),
        };
        using var masks = new MaskDictionary([name]);
        pruner.SetParameterMask(parameter, name, masks, new PruningMeta(0, 0, 1, 1, model));
        if (masks[name].Mask is { } mask)
        {
            using var noGrad = no_grad();
            parameter.mul_(mask);
        }
    }

    private static void Restore(Tensor parameter, Tensor dense)
    {
        using var noGrad = no_grad();
        parameter.copy_(dense);
    }
}
