using System.Diagnostics;
using System.Globalization;
using System.Text;
using Distiller.Typed.Samples.ResNetPrune.Checkpoints;
using Distiller.Typed.Samples.ResNetPrune.Data;
using Distiller.Typed.Samples.ResNetPrune.Training;
using Distiller.Typed.Sensitivity;
using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Sensitivity;

/// <summary>
/// <c>--sense element|filter|channel [--sense-range START END STEP]</c> (Distiller's <c>sensitivity_analysis</c> in
/// <c>compress_classifier.py</c>): prunes each weight alone at each level, evaluates on the test set, restores the
/// weight, and writes <c>sensitivity.csv</c> and <c>sensitivity.png</c> to the output folder.
/// </summary>
public static class SensitivityJob
{
    public static IReadOnlyList<SensitivityPoint> Run(nn.Module<Tensor, Tensor> model, SensitivityGroup group, SensitivityRange range,
        LabeledImages test, Func<LabeledImages, EvaluationResult> evaluate, string outDir, string arch, TextWriter output)
    {
        var levels = range.Levels();
        var parameters = SensitivityAnalysis.TestedParameters(model, group);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Sensitivity analysis ({group.Name()}): {parameters.Count} weights × {levels.Count} levels ({string.Join(", ", levels.Select(l => l.ToString("0.###", CultureInfo.InvariantCulture)))}) on {test.Count} test images"));
        var clock = Stopwatch.StartNew();
        var current = "";
        var points = SensitivityAnalysis.Run(model, group, levels, () =>
        {
            var result = evaluate(test);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {current}  top1 {result.Top1:F2}  top5 {result.Top5:F2}  loss {result.Loss:F4}"));
            return new SensitivityScore(result.Top1, result.Top5, result.Loss);
        }, parameters, (name, level) => current = string.Create(CultureInfo.InvariantCulture, $"{name} at {level:0.###}:"));

        Directory.CreateDirectory(outDir);
        var csvPath = Path.Combine(outDir, SensitivityCsv.FileName);
        DurableFile.Write(csvPath, Encoding.UTF8.GetBytes(SensitivityCsv.Format(points)));
        var pngPath = Path.Combine(outDir, SensitivityPlot.FileName);
        SensitivityPlot.Save(points, pngPath, $"Pruning sensitivity ({arch}, {group.Name()})");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Wrote {csvPath} ({points.Count} rows) and {pngPath} in {clock.Elapsed.TotalSeconds:F1} s"));
        output.WriteLine($"Write a schedule from it with: ResNetPrune sense-schedule {csvPath} --budget 1 --sense {group.Name()}");
        return points;
    }
}
