using System.Collections.Generic;
using System.Linq;
using Distiller.Typed.Catalogue;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;
using Distiller.Typed.Text;

namespace Distiller.Typed.Validation;

/// <summary>
/// Checks the keys of a set of arguments against the parameters that accept them: unknown keys (with the nearest
/// names and the valid ones), keys the loader supplies itself, missing required arguments (unless a misspelt key
/// already points at them); then each value.
/// </summary>
internal static class ArgumentChecks
{
    /// <summary>
    /// <paramref name="owner"/> names the arguments' owner in messages (<c>'p' (AutomatedGradualPruner)</c>);
    /// missing required arguments are reported at <paramref name="reportMissingAt"/> when given.
    /// </summary>
    public static void CheckEntries(ValidationContext context, string owner, IReadOnlyList<MappingEntry> entries,
        EquatableArray<ParameterDescriptor> parameters, SourceSpan? reportMissingAt = null, bool loaderSuppliesSome = false)
    {
        var names = parameters.Select(p => p.Name).ToList();

        // A misspelt key already says "did you mean 'final_sparsity'": that is the one diagnostic for the mistake,
        // so the argument it meant is not reported missing as well.
        var meant = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var key = entry.Key.Text;
            var parameter = parameters.FirstOrDefault(p => p.Name == key);
            if (parameter is { NotSupported: { } reason })
                context.Report(ScheduleDiagnosticDescriptors.ArgumentNotSupported, entry.Key.Span, owner, key, reason);
            else if (parameter is not null)
                ValueChecks.Check(context, $"'{key}'", owner, entry.Value, parameter);
            else if (loaderSuppliesSome && ComponentCatalogue.LoaderSuppliedArguments.Contains(key))
                context.Report(ScheduleDiagnosticDescriptors.LoaderSuppliedArgument, entry.Key.Span, owner, key);
            else
            {
                context.Report(ScheduleDiagnosticDescriptors.UnknownArgument, entry.Key.Span, owner, key,
                    NearestNames.DidYouMean(key, names), names.Count == 0 ? "none" : ValidationContext.Quoted(names));
                meant.UnionWith(NearestNames.Find(key, names));
            }
        }

        if (reportMissingAt is not { } span)
            return;
        foreach (var parameter in parameters.Where(p => p.Required))
        {
            if (!entries.Any(e => e.Key.Text == parameter.Name) && !meant.Contains(parameter.Name))
                context.Report(ScheduleDiagnosticDescriptors.MissingArgument, span, owner, parameter.Name, parameter.TypeDescription, parameter.Summary);
        }
    }
}
