using System.Globalization;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Summaries;

/// <summary>
/// Distiller's <c>weights_sparsity.csv</c> (<c>CsvLogger.log_weights_sparsity</c> in <c>distiller/data_loggers/logger.py</c>):
/// header <c>parameter,shape,volume,sparse volume,sparsity level</c>, then one line per <c>state_dict()</c> tensor of
/// rank 2 or 4 (any name, no total line), written as Python's <c>csv.writer</c> writes it (CRLF line ends, the shape
/// quoted because it holds commas, floats in Python's shortest round-trip form such as <c>50.0</c>).
/// </summary>
public static class WeightsSparsityCsv
{
    /// <summary>The file name Distiller's CsvLogger uses: <c>[prefix_]weights_sparsity.csv</c>.</summary>
    public static string FileName(string prefix = "") => string.IsNullOrEmpty(prefix) ? "weights_sparsity.csv" : prefix + "_weights_sparsity.csv";

    /// <summary>Writes <see cref="FileName"/> into <paramref name="logDirectory"/> and returns its path.</summary>
    public static string Write(nn.Module model, string logDirectory, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(logDirectory);
        if (!Directory.Exists(logDirectory))
            throw new DirectoryNotFoundException($"Log directory '{logDirectory}' does not exist.");
        var path = Path.Combine(logDirectory, FileName(prefix));
        File.WriteAllText(path, Format(model), new UTF8Encoding(false));
        return path;
    }

    /// <summary>The file's text.</summary>
    public static string Format(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var text = new StringBuilder("parameter,shape,volume,sparse volume,sparsity level\r\n");
        foreach (var (name, tensor) in model.state_dict())
        {
            if (tensor.dim() is not (2 or 4))
                continue;
            var numel = tensor.numel();
            var nnz = SparsityMeasures.NonZeroCount(tensor);
            var shape = "(" + string.Join(", ", tensor.shape) + ")";
            text.Append(Field(name)).Append(',')
                .Append(Field(shape)).Append(',')
                .Append(numel.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(nnz.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(PythonFloat((1.0 - (double)nnz / numel) * 100))
                .Append("\r\n");
        }
        return text.ToString();
    }

    /// <summary>Python's <c>repr(float)</c> for the values this file holds: shortest round-trip digits, at least one decimal.</summary>
    public static string PythonFloat(double value)
    {
        var s = value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
        if (s.Contains('e', StringComparison.Ordinal))
        {
            // Python: 1e-05, 1.5e-07 (two-digit exponent at least)
            var parts = s.Split('e');
            var exponent = int.Parse(parts[1], CultureInfo.InvariantCulture);
            return parts[0] + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        }
        return s.Contains('.', StringComparison.Ordinal) || s.Contains("Infinity", StringComparison.Ordinal) || s == "NaN" ? s : s + ".0";
    }

    private static string Field(string value) =>
        value.IndexOfAny(new[] { ',', '"', '\r', '\n' }) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
