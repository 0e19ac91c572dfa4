using System.Globalization;
using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Summaries;

/// <summary><c>--summary model</c>: every module with its type, then every parameter with its shape and size.</summary>
public static class ModelSummary
{
    public static void Write(TextWriter output, string arch, nn.Module model)
    {
        output.WriteLine($"Model {arch} ({model.GetType().Name})");
        output.WriteLine();
        output.WriteLine("Modules:");
        foreach (var (name, module) in model.named_modules())
            if (name.Length > 0)
                output.WriteLine($"  {name,-32} {module.GetType().Name}");
        output.WriteLine();
        output.WriteLine("Parameters:");
        long total = 0;
        foreach (var (name, parameter) in model.named_parameters())
        {
            total += parameter.numel();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-32} {"(" + string.Join(", ", parameter.shape) + ")",-18} {parameter.numel(),10:N0}"));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total parameters: {total:N0}"));
    }
}
