using Distiller.Typed.Sensitivity;
using ScottPlot;

namespace Distiller.Typed.Samples.ResNetPrune.Sensitivity;

/// <summary>
/// <c>sensitivity.png</c> (Distiller's <c>sensitivities_to_png</c>): one line per weight, top-1 against sparsity,
/// with the legend below the plot. Drawn with ScottPlot on SkiaSharp; the plotting packages belong to this program,
/// not to the runtime library, so users of the runtime do not carry Skia's native library.
/// </summary>
public static class SensitivityPlot
{
    public const string FileName = "sensitivity.png";

    public static void Save(IReadOnlyList<SensitivityPoint> points, string path, string title)
    {
        var plot = new Plot();
        var parameters = points.Select(p => p.Parameter).Distinct(StringComparer.Ordinal).ToList();
        var palette = new ScottPlot.Palettes.Category20();
        for (var i = 0; i < parameters.Count; i++)
        {
            var rows = points.Where(p => p.Parameter == parameters[i]).OrderBy(p => p.Sparsity).ToArray();
            var line = plot.Add.Scatter(rows.Select(r => r.Sparsity).ToArray(), rows.Select(r => r.Top1).ToArray(), palette.GetColor(i));
            line.LegendText = parameters[i];
            line.MarkerSize = 4;
        }
        plot.Title(title);
        plot.XLabel("sparsity");
        plot.YLabel("top1 (%)");
        plot.ShowLegend(Edge.Right);
        // Tall enough for a legend line per weight (ResNet-20 has 22).
        plot.SavePng(path, 1100, Math.Max(600, 120 + 18 * parameters.Count));
    }
}
