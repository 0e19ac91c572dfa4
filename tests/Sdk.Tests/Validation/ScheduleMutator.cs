namespace Distiller.Typed.Tests.Validation;

/// <summary>
/// Deterministic damage to schedule text: deleted, swapped, duplicated and re-indented lines, swapped keys, wrong
/// scalars, stray characters and truncation. The same seed always gives the same mutants.
/// </summary>
internal sealed class ScheduleMutator
{
    private static readonly string[] WrongScalars =
    {
        "-1", "0", "1.5", "abc", "null", "~", "true", "''", "\"\"", "[", "]", "{", "}", "[1, 2]", "{a: 1}", "1e999", "-.inf", ".nan",
        "*undefined", "&anchor", "!!binary AAAA", "%", "@", "`", "|", ">", "? x", "- item", "0x1F", "1_000", "'unterminated", "\"bad \\q\"",
        "[[[[[[[[", "{{{{", "2147483648", "-2147483649", "AutomatedGradualPruner", "'*'", "\t", ":",
    };

    private readonly Random _random;

    public ScheduleMutator(int seed) => _random = new Random(seed);

    public string Mutate(string text)
    {
        int operations = 1 + _random.Next(3);
        for (int i = 0; i < operations; i++)
            text = MutateOnce(text);
        return text;
    }

    private string MutateOnce(string text)
    {
        var lines = text.Split('\n').ToList();
        switch (_random.Next(10))
        {
            case 0: // delete a line
                lines.RemoveAt(_random.Next(lines.Count));
                break;
            case 1: // swap two lines
            {
                int a = _random.Next(lines.Count), b = _random.Next(lines.Count);
                (lines[a], lines[b]) = (lines[b], lines[a]);
                break;
            }
            case 2: // duplicate a line
            {
                int a = _random.Next(lines.Count);
                lines.Insert(a, lines[a]);
                break;
            }
            case 3: // truncate
                return text.Substring(0, _random.Next(text.Length + 1));
            case 4: // a wrong scalar after a key
            {
                int a = _random.Next(lines.Count);
                int colon = lines[a].IndexOf(':');
                if (colon >= 0)
                    lines[a] = lines[a].Substring(0, colon + 1) + " " + WrongScalars[_random.Next(WrongScalars.Length)];
                else
                    lines[a] = lines[a] + " " + WrongScalars[_random.Next(WrongScalars.Length)];
                break;
            }
            case 5: // change indentation
            {
                int a = _random.Next(lines.Count);
                int change = _random.Next(-3, 4);
                lines[a] = change >= 0 ? new string(' ', change) + lines[a] : lines[a].Substring(Math.Min(-change, lines[a].Length - lines[a].TrimStart(' ').Length));
                break;
            }
            case 6: // swap the keys of two "key: value" lines
            {
                int a = _random.Next(lines.Count), b = _random.Next(lines.Count);
                if (SplitKey(lines[a]) is { } x && SplitKey(lines[b]) is { } y)
                {
                    lines[a] = x.Indent + y.Key + x.Tail;
                    lines[b] = y.Indent + x.Key + y.Tail;
                }
                break;
            }
            case 7: // a stray character
            {
                int at = _random.Next(text.Length + 1);
                const string stray = "\t:[]{}-#&*!|>'\"%@`,? \n";
                return text.Insert(at, stray[_random.Next(stray.Length)].ToString());
            }
            case 8: // delete a run of characters
            {
                int at = _random.Next(text.Length + 1);
                return text.Remove(at, Math.Min(text.Length - at, 1 + _random.Next(20)));
            }
            default: // replace a whole line by another line's text at this line's indentation
            {
                int a = _random.Next(lines.Count), b = _random.Next(lines.Count);
                var indent = lines[a].Substring(0, lines[a].Length - lines[a].TrimStart(' ').Length);
                lines[a] = indent + lines[b].TrimStart(' ');
                break;
            }
        }
        return string.Join("\n", lines);
    }

    private static (string Indent, string Key, string Tail)? SplitKey(string line)
    {
        var trimmed = line.TrimStart(' ', '-');
        int colon = trimmed.IndexOf(':');
        if (colon <= 0)
            return null;
        var indent = line.Substring(0, line.Length - trimmed.Length);
        return (indent, trimmed.Substring(0, colon), trimmed.Substring(colon));
    }
}
