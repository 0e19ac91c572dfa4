using System;
using System.Text.RegularExpressions;
using Distiller.Typed.Catalogue;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Validation;

/// <summary>
/// Checks a quantizer's <c>overrides</c>: each key must compile as a regular expression the way Distiller's
/// Quantizer combines them (<c>(^key$)</c>), and each value must be a mapping of the per-module arguments the
/// quantizer accepts.
/// </summary>
internal static class OverrideChecks
{
    /// <summary>Bounds any matching a compiled pattern might do; construction itself is linear in the pattern.</summary>
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);

    public static void Check(ValidationContext context, string owner, MappingValue overrides, ParameterDescriptor parameter)
    {
        foreach (var entry in overrides.Entries)
        {
            if (TryCompile(entry.Key.Text) is { } error)
                context.Report(ScheduleDiagnosticDescriptors.InvalidOverridePattern, entry.Key.Span, entry.Key.Text, error);

            if (entry.Value is MappingValue settings)
                ArgumentChecks.CheckEntries(context, $"the override '{entry.Key.Text}' of {owner}", settings.Entries, parameter.EntryParameters);
            else
                ValueChecks.WrongType(context, $"The override '{entry.Key.Text}'", owner, "mapping of per-module arguments such as 'bits_weights: null'", entry.Value);
        }
    }

    /// <summary>Null when <paramref name="pattern"/> is a valid .NET regular expression, else why not.</summary>
    public static string? TryCompile(string pattern)
    {
        try
        {
            _ = new Regex("(^" + pattern + "$)", RegexOptions.CultureInvariant, MatchTimeout);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }
}
