using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Distiller.Typed.Quantization.Calibration;

/// <summary>
/// Reads and writes Distiller's quantization statistics YAML: per module, <c>inputs</c> (by index) and <c>output</c>,
/// each with <c>min</c>, <c>max</c>, <c>avg_min</c>, <c>avg_max</c>, <c>mean</c>, <c>std</c>, <c>b</c>,
/// <c>shape</c> (written as <c>(N, C, H, W)</c>) and <c>total_numel</c>.
/// </summary>
public static class StatsYaml
{
    public static string Write(IReadOnlyDictionary<string, ModuleStats> stats)
    {
        var sb = new StringBuilder();
        foreach (var (name, m) in stats)
        {
            sb.Append(name).Append(":\n");
            if (m.Inputs.Count > 0)
            {
                sb.Append("  inputs:\n");
                foreach (var (idx, s) in m.Inputs.OrderBy(i => i.Key))
                {
                    sb.Append("    ").Append(idx.ToString(CultureInfo.InvariantCulture)).Append(":\n");
                    WriteRecord(sb, s, "      ");
                }
            }
            sb.Append("  output:\n");
            WriteRecord(sb, m.Output, "    ");
        }
        return sb.ToString();
    }

    public static void Save(string path, IReadOnlyDictionary<string, ModuleStats> stats) => File.WriteAllText(path, Write(stats));

    private static void WriteRecord(StringBuilder sb, TensorStats s, string indent)
    {
        void Num(string key, double v) => sb.Append(indent).Append(key).Append(": ").Append(Format(v)).Append('\n');
        Num("min", s.Min);
        Num("max", s.Max);
        Num("avg_min", s.AvgMin);
        Num("avg_max", s.AvgMax);
        Num("mean", s.Mean);
        Num("std", s.Std);
        Num("b", s.B);
        sb.Append(indent).Append("shape: '(").Append(string.Join(", ", s.Shape)).Append(")'\n");
        sb.Append(indent).Append("total_numel: ").Append(s.TotalNumel.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static string Format(double v) => double.IsPositiveInfinity(v) ? ".inf" : double.IsNegativeInfinity(v) ? "-.inf"
        : double.IsNaN(v) ? ".nan" : v.ToString("R", CultureInfo.InvariantCulture);

    public static IReadOnlyDictionary<string, ModuleStats> Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Model activation stats file not found at: {path}", path);
        return Read(File.ReadAllText(path), path);
    }

    /// <summary>
    /// Parses a statistics file; anything that is not one (bad YAML, a key or value of the wrong kind, no statistics at
    /// all) is a <see cref="FormatException"/> naming <paramref name="source"/> and the line.
    /// </summary>
    public static IReadOnlyDictionary<string, ModuleStats> Read(string yaml, string source = "<stats>")
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new FormatException($"{source}({e.Start.Line},{e.Start.Column}): not valid YAML: {e.Message}", e);
        }
        var result = new Dictionary<string, ModuleStats>();
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            throw new FormatException($"{source}: the statistics file is empty; write one with --qe-calibration (or leave out --qe-stats-file for dynamic quantization).");
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new FormatException($"{At(source, stream.Documents[0].RootNode)}: a statistics file maps module names to their statistics.");
        foreach (var (key, value) in root.Children)
        {
            var name = Scalar(key, source, "a module name");
            if (value is not YamlMappingNode module)
                throw new FormatException($"{At(source, value)}: module '{name}' must map to 'inputs' and 'output'.");
            var inputs = new Dictionary<int, TensorStats>();
            TensorStats? output = null;
            foreach (var (k, v) in module.Children)
            {
                switch (Scalar(k, source, "'inputs' or 'output'"))
                {
                    case "inputs" when v is YamlMappingNode inMap:
                        foreach (var (ik, iv) in inMap.Children)
                        {
                            var index = Scalar(ik, source, "an input index");
                            if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i))
                                throw new FormatException($"{At(source, ik)}: {name}.inputs: '{index}' is not an input index (0, 1, ...).");
                            inputs[i] = ReadRecord(iv, source, $"{name}.inputs.{index}");
                        }
                        break;
                    case "inputs":
                        throw new FormatException($"{At(source, v)}: {name}.inputs must map input indices to statistics.");
                    case "output":
                        output = ReadRecord(v, source, $"{name}.output");
                        break;
                }
            }
            result[name] = new ModuleStats(inputs, output ?? throw new FormatException($"{At(source, key)}: module '{name}' has no 'output' statistics."));
        }
        return result;
    }

    private static string At(string source, YamlNode node) => $"{source}({node.Start.Line},{node.Start.Column})";

    private static string Scalar(YamlNode node, string source, string what) =>
        node is YamlScalarNode { Value: { } value } ? value : throw new FormatException($"{At(source, node)}: expected {what} here.");

    private static TensorStats ReadRecord(YamlNode node, string source, string where)
    {
        if (node is not YamlMappingNode map)
            throw new FormatException($"{At(source, node)}: {where} must be a mapping of statistics.");
        var values = new Dictionary<string, YamlNode>();
        foreach (var (k, v) in map.Children)
            values[Scalar(k, source, "a statistic's name")] = v;
        double Num(string key)
        {
            if (!values.TryGetValue(key, out var n) || n is not YamlScalarNode s)
                throw new FormatException($"{At(source, node)}: {where} has no '{key}'.");
            return s.Value switch
            {
                ".inf" or "inf" => double.PositiveInfinity,
                "-.inf" or "-inf" => double.NegativeInfinity,
                ".nan" or "nan" => double.NaN,
                var text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
                    : throw new FormatException($"{At(source, n)}: {where}: '{key}' is not a number ('{text}')."),
            };
        }
        double Optional(string key) => values.ContainsKey(key) ? Num(key) : 0;
        IReadOnlyList<long> shape = Array.Empty<long>();
        if (values.TryGetValue("shape", out var sh))
        {
            var dims = sh switch
            {
                YamlScalarNode s => (s.Value ?? "").Trim('(', ')', '[', ']', ' ').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                YamlSequenceNode seq => seq.Children.Select(c => c is YamlScalarNode { Value: { } v } ? v : "?").ToArray(),
                _ => ["?"],
            };
            shape = dims.Select(x => long.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d
                : throw new FormatException($"{At(source, sh)}: {where}: 'shape' must list sizes, as in '(256, 16, 28, 28)'.")).ToArray();
        }
        var totalNumel = values.ContainsKey("total_numel") ? Num("total_numel") : 0;
        return new TensorStats
        {
            Min = Num("min"), Max = Num("max"), AvgMin = Num("avg_min"), AvgMax = Num("avg_max"),
            Mean = Optional("mean"), Std = Optional("std"), B = Optional("b"), Shape = shape,
            TotalNumel = totalNumel >= 0 && totalNumel < 9e18 && totalNumel == Math.Floor(totalNumel) ? (long)totalNumel
                : throw new FormatException($"{At(source, node)}: {where}: 'total_numel' must be a whole number >= 0."),
        };
    }
}
