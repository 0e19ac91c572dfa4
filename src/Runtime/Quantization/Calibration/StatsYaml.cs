using System.Globalization;
using System.Text;
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

    public static IReadOnlyDictionary<string, ModuleStats> Read(string yaml, string source = "<stats>")
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var result = new Dictionary<string, ModuleStats>();
        if (stream.Documents.Count == 0)
            return result;
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new FormatException($"{source}: the stats file must map module names to their statistics.");
        foreach (var (key, value) in root.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            if (value is not YamlMappingNode module)
                throw new FormatException($"{source}: module '{name}' must map to 'inputs' and 'output'.");
            var inputs = new Dictionary<int, TensorStats>();
            TensorStats? output = null;
            foreach (var (k, v) in module.Children)
            {
                switch (((YamlScalarNode)k).Value)
                {
                    case "inputs" when v is YamlMappingNode inMap:
                        foreach (var (ik, iv) in inMap.Children)
                            inputs[int.Parse(((YamlScalarNode)ik).Value!, CultureInfo.InvariantCulture)] = ReadRecord(iv, $"{source}: {name}.inputs");
                        break;
                    case "output":
                        output = ReadRecord(v, $"{source}: {name}.output");
                        break;
                }
            }
            result[name] = new ModuleStats(inputs, output ?? throw new FormatException($"{source}: module '{name}' has no 'output' statistics."));
        }
        return result;
    }

    private static TensorStats ReadRecord(YamlNode node, string where)
    {
        if (node is not YamlMappingNode map)
            throw new FormatException($"{where} must be a mapping of statistics.");
        var values = map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => c.Value);
        double Num(string key)
        {
            if (!values.TryGetValue(key, out var n) || n is not YamlScalarNode s)
                throw new FormatException($"{where} has no '{key}'.");
            return s.Value switch
            {
                ".inf" or "inf" => double.PositiveInfinity,
                "-.inf" or "-inf" => double.NegativeInfinity,
                ".nan" or "nan" => double.NaN,
                var text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
                    : throw new FormatException($"{where}: '{key}' is not a number ('{text}')."),
            };
        }
        double Optional(string key) => values.ContainsKey(key) ? Num(key) : 0;
        IReadOnlyList<long> shape = Array.Empty<long>();
        if (values.TryGetValue("shape", out var sh))
        {
            shape = sh switch
            {
                YamlScalarNode s => (s.Value ?? "").Trim('(', ')', '[', ']', ' ').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray(),
                YamlSequenceNode seq => seq.Children.Select(c => long.Parse(((YamlScalarNode)c).Value!, CultureInfo.InvariantCulture)).ToArray(),
                _ => Array.Empty<long>(),
            };
        }
        return new TensorStats
        {
            Min = Num("min"), Max = Num("max"), AvgMin = Num("avg_min"), AvgMax = Num("avg_max"),
            Mean = Optional("mean"), Std = Optional("std"), B = Optional("b"), Shape = shape,
            TotalNumel = values.ContainsKey("total_numel") ? (long)Num("total_numel") : 0,
        };
    }
}
