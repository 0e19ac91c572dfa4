using System.Text;

namespace Distiller.Typed.Summaries;

/// <summary>
/// Writes rows as <c>tabulate(df, headers='keys', tablefmt='psql')</c> prints a pandas DataFrame in Distiller's logs:
/// an index column, strings left-aligned, numbers right-aligned, one space of padding, and every column at least its
/// header's width plus 2 (tabulate's MIN_PADDING).
/// </summary>
internal static class PsqlTable
{
    /// <param name="headers">Column headers (without the index column).</param>
    /// <param name="rows">Cells, already formatted.</param>
    /// <param name="numeric">Per column: right-align (numbers) or left-align (text).</param>
    public static string Format(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, IReadOnlyList<bool> numeric)
    {
        var allHeaders = new[] { "" }.Concat(headers).ToArray();
        var allNumeric = new[] { true }.Concat(numeric).ToArray();
        var allRows = rows.Select((r, i) => new[] { i.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(r).ToArray()).ToArray();

        // tabulate's MIN_PADDING: a column is at least its header plus 2 wide.
        var widths = allHeaders.Select((h, c) => Math.Max(h.Length + 2, allRows.Length == 0 ? 0 : allRows.Max(r => r[c].Length))).ToArray();

        var text = new StringBuilder();
        string Rule(char join, char fill) => join + string.Join(join.ToString(), widths.Select(w => new string(fill, w + 2))) + join;
        string Line(IReadOnlyList<string> cells) =>
            "| " + string.Join(" | ", cells.Select((cell, c) => allNumeric[c] ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))) + " |";

        text.AppendLine(Rule('+', '-'));
        text.AppendLine(Line(allHeaders));
        text.AppendLine("|" + string.Join("+", widths.Select(w => new string('-', w + 2))) + "|");
        foreach (var row in allRows)
            text.AppendLine(Line(row));
        text.Append(Rule('+', '-'));
        return text.ToString();
    }
}
