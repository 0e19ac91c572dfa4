using System.Globalization;
using System.Text;

namespace Distiller.Typed.Sensitivity;

/// <summary>
/// Distiller's <c>sensitivity.csv</c> (<c>sensitivities_to_csv</c>): the header <c>parameter,sparsity,top1,top5,loss</c>,
/// then one row per parameter and level, numbers in invariant culture with round-trip precision.
/// </summary>
public static class SensitivityCsv
{
    public const string FileName = "sensitivity.csv";
    public const string Header = "parameter,sparsity,top1,top5,loss";

    public static string Format(IEnumerable<SensitivityPoint> points)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var p in points)
            text.Append(p.Parameter).Append(',').Append(Number(p.Sparsity)).Append(',').Append(Number(p.Top1)).Append(',')
                .Append(Number(p.Top5)).Append(',').Append(Number(p.Loss)).Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// Reads a sensitivity CSV (this program's or Distiller's, which ends lines with CRLF). Every problem is an
    /// <see cref="InvalidDataException"/> naming the file and line: a header other than <see cref="Header"/>, a row
    /// without five fields, a number that does not parse, a sparsity outside [0, 1], or no rows at all.
    /// </summary>
    public static IReadOnlyList<SensitivityPoint> Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException($"{path}: no sensitivity CSV there; write one with --sense element|filter|channel.", path, e);
        }
        return Parse(lines, path);
    }

    public static IReadOnlyList<SensitivityPoint> Parse(IReadOnlyList<string> lines, string path)
    {
        if (lines.Count == 0 || lines[0].Trim() != Header)
            throw new InvalidDataException($"{path}(1): the header must be '{Header}' (Distiller's sensitivity CSV); got '{(lines.Count == 0 ? "" : lines[0])}'.");
        var points = new List<SensitivityPoint>();
        for (var i = 1; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
                continue;
            var fields = line.Split(',');
            if (fields.Length != 5 || fields[0].Length == 0)
                throw new InvalidDataException($"{path}({i + 1}): expected 5 fields '{Header}'; got '{line}'.");
            double Field(int index, string name)
            {
                if (!double.TryParse(fields[index], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                    throw new InvalidDataException($"{path}({i + 1}): {name} '{fields[index]}' is not a finite number.");
                return value;
            }
            var sparsity = Field(1, "sparsity");
            if (sparsity < 0 || sparsity > 1)
                throw new InvalidDataException($"{path}({i + 1}): sparsity {fields[1]} is outside [0, 1].");
            points.Add(new SensitivityPoint(fields[0], sparsity, Field(2, "top1"), Field(3, "top5"), Field(4, "loss")));
        }
        if (points.Count == 0)
            throw new InvalidDataException($"{path}: the file has a header but no rows.");
        return points;
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
