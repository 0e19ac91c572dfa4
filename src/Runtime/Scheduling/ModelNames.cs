using System.Collections;
using Distiller.Typed.Catalogue;
using Distiller.Typed.Schedules;
using Distiller.Typed.Text;
using TorchSharp;

namespace Distiller.Typed.Scheduling;

/// <summary>
/// Checks the names a schedule gives (parameter names, module names, override patterns) against a model's
/// <c>named_parameters()</c> / <c>named_modules()</c> and rewrites DataParallel spellings to the model's own:
/// a name the model lacks is retried without its <c>module</c> segments (<c>features.module.0.weight</c> →
/// <c>features.0.weight</c>, <c>module.layer1.0.conv1.weight</c> → <c>layer1.0.conv1.weight</c>), as Distiller's
/// <c>normalize_module_name</c> does, so schedules written for a DataParallel model work unchanged.
/// </summary>
internal sealed class ModelNames
{
    private readonly HashSet<string> _parameters;
    private readonly List<string> _modules;
    private readonly string _modelType;

    public ModelNames(torch.nn.Module model)
    {
        _parameters = model.named_parameters().Select(p => p.name).ToHashSet(StringComparer.Ordinal);
        _modules = model.named_modules().Select(m => m.name).Where(n => n.Length > 0).ToList();
        _modelType = model.GetType().Name;
    }

    /// <summary>
    /// Returns <paramref name="spec"/> with every parameter name resolved to the model's spelling; adds one problem per
    /// name the model does not have, across every component and policy.
    /// </summary>
    public ScheduleSpec Resolve(ScheduleSpec spec, List<ScheduleProblem> problems)
    {
        var resolved = new ScheduleSpec(spec.Path);
        foreach (var component in spec.Components)
        {
            var parameters = ComponentCatalogue.TryFind(component.ClassName, out var descriptor) ? (IReadOnlyList<ParameterDescriptor>)descriptor.Parameters : Array.Empty<ParameterDescriptor>();
            var owner = $"{component.ClassName} '{component.InstanceName}'";
            resolved.Add(component with { Arguments = Resolve(component.Arguments, parameters, owner, spec.Path, component.Span, problems) });
        }
        foreach (var policy in spec.Policies)
        {
            var owner = $"the {policy.Section.PolicyKey()} policy of '{policy.InstanceName}'";
            resolved.Add(policy with { Args = Resolve(policy.Args, ComponentCatalogue.PolicyArguments(policy.Section), owner, spec.Path, policy.Span, problems) });
        }
        return resolved;
    }

    private ArgumentMap Resolve(ArgumentMap map, IReadOnlyList<ParameterDescriptor> parameters, string owner, string? path,
        SourceSpan? fallback, List<ScheduleProblem> problems)
    {
        var result = new ArgumentMap(map.Path);
        foreach (var (key, value) in map)
        {
            var kind = parameters.FirstOrDefault(p => p.Name == key) is { } parameter ? parameter.NameKind : NameKind.None;
            var span = map.SpanOf(key);
            var at = new Where(map.Path ?? path, span ?? fallback);
            object? resolved = (kind, value) switch
            {
                (NameKind.ParameterNames, IList names) => names.Cast<object?>()
                    .Select((n, i) => n is string s ? Parameter(s, owner, key, new Where(at.Path, map.SpanOf(key, i) ?? at.Span), problems) : n).ToList(),
                (NameKind.ParameterNameMap, ArgumentMap names) => ResolveKeys(names, parameters.First(p => p.Name == key), owner, at, problems),
                (NameKind.ModuleNames, IList names) => names.Cast<object?>()
                    .Select((n, i) => n is string s ? Module(s, owner, key, new Where(at.Path, map.SpanOf(key, i) ?? at.Span), problems) : n).ToList(),
                (NameKind.ModuleOverrides, ArgumentMap overrides) => CheckPatterns(overrides, owner, key, at, problems),
                _ => value,
            };
            result.Add(key, resolved, span);
            if (value is IList items && items.Count > 0 && map.SpanOf(key, 0) is { } first && first != span)
                result.WithItemSpans(key, Enumerable.Range(0, items.Count).Select(i => map.SpanOf(key, i) ?? first).ToList());
        }
        return result;
    }

    private ArgumentMap ResolveKeys(ArgumentMap names, ParameterDescriptor parameter, string owner, Where at, List<ScheduleProblem> problems)
    {
        var result = new ArgumentMap(names.Path);
        foreach (var (name, value) in names)
        {
            var here = new Where(names.Path ?? at.Path, names.SpanOf(name) ?? at.Span);
            string resolved;
            if (name == "*")
            {
                // Whether '*' is accepted is the schedule validator's rule (DTS038).
                resolved = name;
            }
            else
            {
                resolved = Parameter(name, owner, parameter.Name, here, problems);
            }
            if (result.ContainsKey(resolved))
                problems.Add(new ScheduleProblem(
                    $"'{name}' in '{parameter.Name}' of {owner} names the parameter '{resolved}', which is already listed.", here.Path, here.Span));
            else
                result.Add(resolved, value, names.SpanOf(name));
        }
        return result;
    }

    private string Parameter(string name, string owner, string argument, Where at, List<ScheduleProblem> problems)
    {
        if (_parameters.Contains(name))
            return name;
        var withoutModule = DataParallelNames.WithoutModuleSegments(name);
        if (_parameters.Contains(withoutModule))
            return withoutModule;
        var suggestions = Closest(withoutModule, _parameters);
        if (suggestions.Count == 0)
            suggestions = Closest(name, _parameters);
        problems.Add(new ScheduleProblem(
            $"error DTS101: '{name}' is not a parameter of {_modelType}{DidYouMean(suggestions)} (in '{argument}' of {owner})", at.Path, at.Span));
        return name;
    }

    private string Module(string name, string owner, string argument, Where at, List<ScheduleProblem> problems)
    {
        if (_modules.Contains(name))
            return name;
        var withoutModule = DataParallelNames.WithoutModuleSegments(name);
        if (_modules.Contains(withoutModule))
            return withoutModule;
        problems.Add(new ScheduleProblem(
            $"error DTS102: '{name}' is not a module of {_modelType}{DidYouMean(Closest(withoutModule, _modules))} (in '{argument}' of {owner})", at.Path, at.Span));
        return name;
    }

    /// <summary>Override keys are module names or regular expressions matched as <c>^key$</c>; each must match some module
    /// (the generator's DTS103, a warning there because it cannot always see every module; an error here, where it can).</summary>
    private ArgumentMap CheckPatterns(ArgumentMap overrides, string owner, string argument, Where at, List<ScheduleProblem> problems)
    {
        foreach (var (pattern, _) in overrides)
        {
            var here = new Where(overrides.Path ?? at.Path, overrides.SpanOf(pattern) ?? at.Span);
            if (!OverridePattern.TryCreate(pattern, out var regex, out _))
                continue; // the schedule validator reports it (DTS036)
            if (_modules.Any(m => regex!.IsMatch(m) || regex.IsMatch(WithModulePrefix(m))))
                continue;
            problems.Add(new ScheduleProblem(
                $"error DTS103: '{pattern}' matches no module of {_modelType}{DidYouMean(Closest(DataParallelNames.WithoutModuleSegments(pattern), _modules))} (in '{argument}' of {owner})",
                here.Path, here.Span));
        }
        return overrides;
    }

    /// <summary>Distiller's DataParallel spelling of a module name, tried so DataParallel-written patterns match too.</summary>
    private static string WithModulePrefix(string name) => "module." + name;


    /// <summary>The nearest names (<see cref="NearestNames"/>), keeping only those as near as the nearest.</summary>
    private static IReadOnlyList<string> Closest(string name, IEnumerable<string> candidates)
    {
        var nearest = NearestNames.Find(name, candidates);
        if (nearest.Count == 0)
            return nearest;
        var best = NearestNames.Distance(name, nearest[0]);
        return nearest.Where(n => NearestNames.Distance(name, n) == best).ToList();
    }

    private static string DidYouMean(IReadOnlyList<string> suggestions) =>
        suggestions.Count == 0 ? "" : "; did you mean " + string.Join(" or ", suggestions.Select(s => "'" + s + "'")) + "?";

    private readonly record struct Where(string? Path, SourceSpan? Span);
}
