using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Distiller.Typed.Text;

/// <summary>An ordered JSON object (the order keys are added in is the order they are written in).</summary>
public sealed class JsonMap : List<KeyValuePair<string, object?>>
{
    public JsonMap Set(string key, object? value)
    {
        Add(new KeyValuePair<string, object?>(key, value));
        return this;
    }
}

/// <summary>
/// Writes JSON for generated documents (the schedule JSON Schema): <see cref="JsonMap"/>, lists, strings, numbers,
/// booleans and null, indented two spaces, '\n' line ends, so the output is byte-for-byte stable.
/// </summary>
public static class JsonText
{
    public static string Write(object? value)
    {
        var text = new StringBuilder();
        Write(text, value, 0);
        return text.Append('\n').ToString();
    }

    private static void Write(StringBuilder text, object? value, int indent)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                break;
            case bool b:
                text.Append(b ? "true" : "false");
                break;
            case string s:
                WriteString(text, s);
                break;
            case int i:
                text.Append(i.ToString(CultureInfo.InvariantCulture));
                break;
            case long l:
                text.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                text.Append(d.ToString("R", CultureInfo.InvariantCulture));
                break;
            case JsonMap obj:
                WriteItems(text, obj, indent, '{', '}', (entry, level) =>
                {
                    WriteString(text, entry.Key);
                    text.Append(": ");
                    Write(text, entry.Value, level);
                });
                break;
            case System.Collections.IEnumerable list:
                var items = new List<object?>();
                foreach (var item in list)
                    items.Add(item);
                WriteItems(text, items, indent, '[', ']', (item, level) => Write(text, item, level));
                break;
            default:
                throw new System.ArgumentException("JSON cannot hold a " + value.GetType().Name, nameof(value));
        }
    }

    private static void WriteItems<T>(StringBuilder text, List<T> items, int indent, char open, char close, System.Action<T, int> writeItem)
    {
        if (items.Count == 0)
        {
            text.Append(open).Append(close);
            return;
        }
        text.Append(open).Append('\n');
        for (var i = 0; i < items.Count; i++)
        {
            text.Append(' ', (indent + 1) * 2);
            writeItem(items[i], indent + 1);
            text.Append(i + 1 < items.Count ? ",\n" : "\n");
        }
        text.Append(' ', indent * 2).Append(close);
    }

    private static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (c < 0x20)
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        text.Append(c);
                    break;
            }
        }
        text.Append('"');
    }
}
