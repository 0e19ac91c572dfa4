using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Distiller.Typed.Generators.Helpers;

/// <summary>C# identifiers from YAML names: <c>my_pruner</c> → <c>MyPruner</c>, <c>2d_groups</c> → <c>_2dGroups</c>.</summary>
internal static class Identifiers
{
    public static string Pascal(string name)
    {
        var builder = new StringBuilder();
        var upper = true;
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = char.IsDigit(c);
            }
            else
            {
                upper = true;
            }
        }

        var result = builder.ToString();
        if (result.Length == 0 || char.IsDigit(result[0]))
        {
            result = "_" + result;
        }

        return SyntaxFacts.GetKeywordKind(result) != SyntaxKind.None ? "@" + result : result;
    }

    /// <summary><paramref name="name"/>, or with a number appended when already taken.</summary>
    public static string Unique(string name, HashSet<string> used)
    {
        var candidate = name;
        for (var i = 2; !used.Add(candidate); i++)
        {
            candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    /// <summary>A C# string literal.</summary>
    public static string Literal(string value) =>
        SymbolDisplay.FormatLiteral(value, quote: true);

    public static string Join(IEnumerable<string> values) => string.Join(", ", values.ToArray());
}
