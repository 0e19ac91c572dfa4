using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Distiller.Typed.Catalogue;
using Distiller.Typed.Generators.Diagnostics;
using Distiller.Typed.Generators.Model;
using Distiller.Typed.Schedules;
using Distiller.Typed.Text;

namespace Distiller.Typed.Generators.Binding;

/// <summary>
/// Checks every parameter and module name a schedule writes against its model, each finding located at the YAML
/// scalar: unknown names with the nearest valid ones, DataParallel <c>module.</c> prefixes (normalised, info),
/// override patterns that match nothing or can never win, and group types the parameter's rank cannot support.
/// Also records the normalised name of each scalar, which the emitter writes instead of the raw one.
/// </summary>
internal sealed class NameChecker
{
    private readonly ModelShape _model;
    private readonly string _path;
    private readonly NameIndex _parameters;
    private readonly NameIndex _modules;
    private readonly Dictionary<string, int> _ranks;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly HashSet<string> _reportedOpen = new(StringComparer.Ordinal);

    public NameChecker(ModelShape model, string path, List<DiagnosticInfo> diagnostics)
    {
        _model = model;
        _path = path;
        _diagnostics = diagnostics;
        _parameters = new NameIndex(model.Parameters.Select(p => p.Name), model.OpenPrefixes);
        _modules = new NameIndex(model.Modules.Select(m => m.Name), model.OpenPrefixes);
        _ranks = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var parameter in model.Parameters)
        {
            _ranks[parameter.Name] = parameter.Rank;
        }
    }

    /// <summary>Normalised names by scalar position (<see cref="SourceSpan.Start"/>), for emission.</summary>
    public Dictionary<int, string> Normalised { get; } = new();

    public void Check(ScheduleDocument document)
    {
        foreach (var component in document.Components)
        {
            var groupType = component.Argument("group_type")?.Value as ScalarValue;
            foreach (var argument in component.Arguments)
            {
                CheckArgument(argument, NameArguments.Of(component, argument.Key.Text)?.NameKind ?? NameKind.None, groupType);
            }
        }

        foreach (var policy in document.Policies)
        {
            if (policy.Args is { } args)
            {
                foreach (var argument in args.Entries)
                {
                    CheckArgument(argument, NameArguments.OfPolicy(policy.Section, argument.Key.Text)?.NameKind ?? NameKind.None, groupType: null);
                }
            }
        }
    }

    /// <summary>Checks the names in one argument whose catalogue entry says it names model things.</summary>
    internal void CheckArgument(MappingEntry argument, NameKind kind, ScalarValue? groupType)
    {
        switch (kind, argument.Value)
        {
            case (NameKind.ParameterNames, SequenceValue list):
                foreach (var item in list.Items.OfType<ScalarValue>())
                {
                    var name = CheckParameter(item);
                    if (name is not null && groupType is not null)
                    {
                        CheckGroupType(item, name, groupType);
                    }
                }

                break;
            case (NameKind.ParameterNames, ScalarValue single):
                CheckParameter(single);
                break;
            case (NameKind.ParameterNameMap, MappingValue map):
                foreach (var entry in map.Entries)
                {
                    if (entry.Key.Text == "*")
                    {
                        continue;
                    }

                    var name = CheckParameter(entry.Key);
                    var entryGroupType = entry.Value is SequenceValue { Items.Count: >= 2 } regime ? regime.Items[1] as ScalarValue : groupType;
                    if (name is not null && entryGroupType is not null)
                    {
                        CheckGroupType(entry.Key, name, entryGroupType);
                    }
                }

                break;
            case (NameKind.ModuleNames, SequenceValue modules):
                foreach (var item in modules.Items.OfType<ScalarValue>())
                {
                    CheckModule(item);
                }

                break;
            case (NameKind.ModuleOverrides, MappingValue overrides):
                CheckOverrides(overrides);
                break;
        }
    }

    /// <summary>Reports an unknown parameter name; returns the name as the model knows it, or null.</summary>
    private string? CheckParameter(ScalarValue scalar) => CheckName(scalar, _parameters, GeneratorDiagnostics.UnknownParameter);

    private string? CheckModule(ScalarValue scalar) => CheckName(scalar, _modules, GeneratorDiagnostics.UnknownModule);

    private string? CheckName(ScalarValue scalar, NameIndex index, Microsoft.CodeAnalysis.DiagnosticDescriptor unknown)
    {
        var name = scalar.Text;
        var match = index.Match(name);
        if (match == NameMatch.Found)
        {
            return name;
        }

        var normalised = DataParallelNames.WithoutModuleSegments(name);
        if (normalised != name && index.Match(normalised) == NameMatch.Found)
        {
            Report(GeneratorDiagnostics.DataParallelPrefix, scalar.Span, name, normalised);
            Normalised[scalar.Span.Start] = normalised;
            return normalised;
        }

        if (match == NameMatch.Missing && (normalised == name || index.Match(normalised) == NameMatch.Missing))
        {
            Report(unknown, scalar.Span, name, _model.ClassName, NearestNames.DidYouMean(normalised, index.Candidates(normalised)));
        }
        else
        {
            ReportUnchecked(scalar, index.OpenPrefixOf(name) ?? index.OpenPrefixOf(normalised));
        }

        return null;
    }

    /// <summary>Says once per open module why names under it are left to the run-time check.</summary>
    private void ReportUnchecked(ScalarValue scalar, string? prefix)
    {
        if (prefix is null || !_reportedOpen.Add(prefix))
        {
            return;
        }

        var open = _model.OpenModules.First(o => o.Prefix == prefix);
        var where = prefix.Length == 0 ? _model.ClassName : $"'{prefix}' of {_model.ClassName}";
        Report(GeneratorDiagnostics.NamesNotChecked, scalar.Span, scalar.Text, where, open.Reason);
    }


    private void CheckGroupType(ScalarValue at, string parameter, ScalarValue groupType)
    {
        if (!_ranks.TryGetValue(parameter, out var rank))
        {
            var pattern = _ranks.Keys.FirstOrDefault(k => NameIndex.HasWildcard(k) && new NameIndex([k], []).Match(parameter) == NameMatch.Found);
            rank = pattern is null ? 0 : _ranks[pattern];
        }

        // The runtime's own table (src/Sdk Catalogue/GroupTypeRanks), so compile time refuses exactly what it refuses.
        var allowed = GroupTypeRanks.Of(groupType.Text);
        if (rank == 0 || allowed is null || allowed.Contains(rank))
        {
            return;
        }

        var needs = string.Join(" or ", allowed.Select(r => r + "-dimensional"));
        Report(GeneratorDiagnostics.GroupTypeUnsupported, at.Span, groupType.Text, needs, parameter, _model.ClassName, rank.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Quantizer overrides: Distiller joins the keys as <c>(^key$)|…</c>, so each key must match a whole
    /// module name, and the first matching key wins.</summary>
    private void CheckOverrides(MappingValue overrides)
    {
        // With run-time keys or unseen modules the set of names is not known: a "matches nothing" claim could be false.
        var closed = _model.IsClosed && !_model.Modules.Any(m => m.Name.Contains(ModuleNode.KeySegment));
        var concreteNames = closed ? ConcreteModuleNames(overrides.Entries.Select(e => e.Key.Text)) : [];
        var earlier = new List<(string Pattern, HashSet<string> Matches)>();

        foreach (var entry in overrides.Entries)
        {
            var pattern = entry.Key.Text;
            if (!OverridePattern.TryCreate(pattern, out var regex, out _))
            {
                // Not a valid pattern: the Sdk's model-free validation reports it.
                continue;
            }

            if (!closed)
            {
                continue;
            }

            var matches = new HashSet<string>(concreteNames.Where(n => SafeIsMatch(regex!, n)), StringComparer.Ordinal);
            if (matches.Count == 0)
            {
                var normalised = DataParallelNames.WithoutModuleSegments(pattern.Replace("\\.", "."));
                if (normalised != pattern.Replace("\\.", ".") && _modules.Match(normalised) == NameMatch.Found)
                {
                    Report(GeneratorDiagnostics.DataParallelPrefix, entry.Key.Span, pattern, normalised);
                    Normalised[entry.Key.Span.Start] = Regex.Escape(normalised);
                    continue;
                }

                var plain = pattern.Replace("\\.", ".");
                Report(GeneratorDiagnostics.OverrideMatchesNothing, entry.Key.Span, pattern, _model.ClassName, NearestNames.DidYouMean(plain, _modules.Candidates(plain)));
                continue;
            }

            foreach (var (earlierPattern, earlierMatches) in earlier)
            {
                if (matches.IsSubsetOf(earlierMatches))
                {
                    var shown = string.Join(", ", matches.OrderBy(m => m, StringComparer.Ordinal).Take(3)) + (matches.Count > 3 ? ", …" : string.Empty);
                    Report(GeneratorDiagnostics.UnreachableOverride, entry.Key.Span, pattern, earlierPattern, shown);
                    break;
                }
            }

            earlier.Add((pattern, matches));
        }
    }

    /// <summary>Module names with each <c>&lt;index&gt;</c> replaced by every index a pattern could plausibly
    /// name: 0–99 and every number written in the patterns (<c>layer1\.117\.conv1</c> reaches block 117). A
    /// container has no index limit, so the numbers come from the patterns rather than from a fixed range.</summary>
    private List<string> ConcreteModuleNames(IEnumerable<string> patterns)
    {
        var indices = Enumerable.Range(0, 100).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Concat(patterns.SelectMany(p => Regex.Matches(p, "[0-9]+").Cast<Match>()).Cast<Match>().Select(m => m.Value.TrimStart('0') is { Length: > 0 } n ? n : "0"))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var result = new List<string>();
        foreach (var module in _model.Modules)
        {
            var expanded = new List<string> { module.Name };
            while (expanded.Any(n => n.Contains(ModuleNode.IndexSegment)))
            {
                expanded = expanded.SelectMany(n =>
                {
                    var at = n.IndexOf(ModuleNode.IndexSegment, StringComparison.Ordinal);
                    return at < 0
                        ? [n]
                        : indices.Select(i => n.Substring(0, at) + i + n.Substring(at + ModuleNode.IndexSegment.Length));
                }).ToList();
            }

            result.AddRange(expanded);
        }

        return result;
    }

    private static bool SafeIsMatch(OverridePattern regex, string name)
    {
        try
        {
            return regex.IsMatch(name);
        }
        catch (RegexMatchTimeoutException)
        {
            // Treat a pathological pattern as matching, so no warning is made from it.
            return true;
        }
    }

    private void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, SourceSpan span, params string[] arguments) =>
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, _path, span, arguments));
}
