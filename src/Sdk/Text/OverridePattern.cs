using System;
using System.Text;
using System.Text.RegularExpressions;

namespace Distiller.Typed.Text;

/// <summary>
/// A quantizer <c>overrides</c> key compiled the one way the generator, the schedule validator and the runtime all
/// use. Distiller joins the keys as <c>(^key1$)|(^key2$)|…</c> and takes the first that matches, so a key matches a
/// whole module name: here each key is compiled alone as <c>^(?:key)$</c> (the same language for a top-level
/// <c>a|b</c>, which <c>(^a|b$)</c> would not anchor). Keys are Python <c>re</c> syntax: the Python spellings .NET
/// lacks are translated (<c>(?P&lt;n&gt;…)</c>, <c>(?P=n)</c>, <c>\Z</c>, <c>{,n}</c>); those with no .NET equivalent
/// (possessive quantifiers, the <c>a</c>/<c>L</c>/<c>u</c> inline flags) are refused with a message saying so.
/// </summary>
public sealed class OverridePattern
{
    /// <summary>Bounds one match; a real module name matches in microseconds.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private readonly Regex _regex;

    private OverridePattern(string key, string translated, Regex regex)
    {
        Key = key;
        Translated = translated;
        _regex = regex;
    }

    /// <summary>The key as the schedule writes it.</summary>
    public string Key { get; }

    /// <summary>The key in .NET syntax (equal to <see cref="Key"/> unless a Python spelling was translated).</summary>
    public string Translated { get; }

    /// <summary>Whether the key matches the whole of <paramref name="moduleName"/>.</summary>
    /// <exception cref="RegexMatchTimeoutException">The pattern backtracks for longer than <see cref="MatchTimeout"/>.</exception>
    public bool IsMatch(string moduleName) => _regex.IsMatch(moduleName);

    /// <summary>Compiles <paramref name="key"/>; on failure <paramref name="error"/> says why, in words.</summary>
    public static bool TryCreate(string key, out OverridePattern? pattern, out string? error)
    {
        pattern = null;
        if (key is null)
        {
            throw new ArgumentNullException(nameof(key));
        }

        error = Translate(key, out var translated);
        if (error is not null)
        {
            return false;
        }

        try
        {
            pattern = new OverridePattern(key, translated, new Regex("^(?:" + translated + ")$", RegexOptions.CultureInvariant, MatchTimeout));
            return true;
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>Compiles <paramref name="key"/> or throws an <see cref="ArgumentException"/> naming it.</summary>
    public static OverridePattern Create(string key) =>
        TryCreate(key, out var pattern, out var error)
            ? pattern!
            : throw new ArgumentException($"The override key '{key}' is not a valid regular expression: {error}", nameof(key));

    /// <summary>Rewrites Python-only spellings; returns why not when one has no .NET equivalent.</summary>
    private static string? Translate(string key, out string translated)
    {
        var result = new StringBuilder(key.Length + 8);
        var afterQuantifier = false;
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            var quantifier = false;
            switch (c)
            {
                case '\\' when i + 1 < key.Length:
                    // Python's \Z is the very end; .NET's \Z also allows a final newline, its \z is Python's \Z.
                    result.Append(key[i + 1] == 'Z' ? "\\z" : key.Substring(i, 2));
                    i++;
                    break;
                case '[':
                    var end = ClassEnd(key, i);
                    result.Append(key, i, end - i + 1);
                    i = end;
                    break;
                case '(' when At(key, i, "(?P<"):
                    result.Append("(?<");
                    i += 3;
                    break;
                case '(' when At(key, i, "(?P="):
                    var close = key.IndexOf(')', i);
                    if (close < 0)
                    {
                        translated = key;
                        return $"'(?P=' at position {i} has no closing ')'";
                    }

                    result.Append("\\k<").Append(key, i + 4, close - i - 4).Append('>');
                    i = close;
                    break;
                case '(' when InlineFlags(key, i) is { } flags && flags.IndexOfAny(['a', 'L', 'u']) >= 0:
                    translated = key;
                    return $"'(?{flags}' uses Python syntax .NET regular expressions lack: the inline flags 'a' (ASCII), 'L' (locale) and 'u' (Unicode) have no .NET equivalent; module names are ASCII, so leave the flag out";
                case '{' when CountWithoutMinimum(key, i) is { } closeBrace:
                    // Python reads {,n} as {0,n}; .NET would read it as the literal text.
                    result.Append("{0").Append(key, i + 1, closeBrace - i);
                    i = closeBrace;
                    quantifier = true;
                    break;
                case '+' when afterQuantifier:
                    translated = key;
                    return $"'{key.Substring(Math.Max(0, i - 1), 2)}' at position {i - 1} is a Python 3.11 possessive quantifier, which .NET regular expressions lack; write an atomic group such as '(?>x*)' instead";
                case '*' or '+' or '?':
                    result.Append(c);
                    quantifier = c != '?' || !afterQuantifier;
                    break;
                case '{':
                    var closing = key.IndexOf('}', i);
                    var isCount = closing > i && IsCount(key.Substring(i + 1, closing - i - 1));
                    result.Append(isCount ? key.Substring(i, closing - i + 1) : "{");
                    i = isCount ? closing : i;
                    quantifier = isCount;
                    break;
                default:
                    result.Append(c);
                    break;
            }

            afterQuantifier = quantifier;
        }

        translated = result.ToString();
        return null;
    }

    private static bool At(string text, int index, string value) =>
        string.CompareOrdinal(text, index, value, 0, value.Length) == 0;

    /// <summary>The index of the <c>]</c> closing the character class opened at <paramref name="start"/> (a <c>]</c>
    /// first in the class is literal, as in both Python and .NET); the last index when unclosed.</summary>
    private static int ClassEnd(string text, int start)
    {
        var i = start + 1;
        if (i < text.Length && text[i] == '^')
        {
            i++;
        }

        if (i < text.Length && text[i] == ']')
        {
            i++;
        }

        for (; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == ']')
            {
                return i;
            }
        }

        return text.Length - 1;
    }

    /// <summary>The flag letters of <c>(?flags)</c> or <c>(?flags:</c> at <paramref name="index"/>, or null.</summary>
    private static string? InlineFlags(string text, int index)
    {
        if (!At(text, index, "(?"))
        {
            return null;
        }

        var i = index + 2;
        while (i < text.Length && "aiLmsux-".IndexOf(text[i]) >= 0)
        {
            i++;
        }

        return i > index + 2 && i < text.Length && text[i] is ')' or ':' ? text.Substring(index + 2, i - index - 2) : null;
    }

    /// <summary>The index of the <c>}</c> of a Python <c>{,n}</c> at <paramref name="index"/>, or null.</summary>
    private static int? CountWithoutMinimum(string text, int index)
    {
        if (index + 2 >= text.Length || text[index + 1] != ',')
        {
            return null;
        }

        var i = index + 2;
        while (i < text.Length && char.IsDigit(text[i]))
        {
            i++;
        }

        return i > index + 2 && i < text.Length && text[i] == '}' ? i : null;
    }

    private static bool IsCount(string inside)
    {
        var parts = inside.Split(',');
        return parts.Length is 1 or 2 && parts[0].Length > 0 && IsDigits(parts[0]) && (parts.Length == 1 || parts[1].Length == 0 || IsDigits(parts[1]));

        static bool IsDigits(string s)
        {
            foreach (var ch in s)
            {
                if (ch is < '0' or > '9')
                {
                    return false;
                }
            }

            return true;
        }
    }
}
