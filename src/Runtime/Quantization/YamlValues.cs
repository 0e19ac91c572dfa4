using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Distiller.Typed.Quantization;

/// <summary>
/// Turns a YAML document into plain values (maps keep their order as <see cref="Dictionary{TKey,TValue}"/> built by
/// appending; plain scalars become null, bool, long or double when they read as such, else string) — enough to
/// configure a quantizer from a file until the schedule document model carries it.
/// </summary>
public static class YamlValues
{
    public static object? Load(string yaml, string source = "<yaml>")
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new FormatException($"{source}: {e.Message}", e);
        }
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value ?? "", c => Convert(c.Value)) as IReadOnlyDictionary<string, object?>,
        YamlSequenceNode seq => seq.Children.Select(Convert).ToList(),
        YamlScalarNode s => Scalar(s),
        _ => null,
    };

    private static object? Scalar(YamlScalarNode s)
    {
        var v = s.Value;
        if (s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted)
            return v;
        switch (v)
        {
            case null or "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return true;
            case "false" or "False" or "FALSE": return false;
        }
        if (long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
            return l;
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            return d;
        return v;
    }
}
