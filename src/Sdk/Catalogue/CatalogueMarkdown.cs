using System.Collections.Generic;
using System.Linq;
using System.Text;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Catalogue;

/// <summary>
/// Writes docs/catalogue.md from <see cref="ComponentCatalogue"/>, so the documentation is the table itself (a test
/// fails when the committed file differs).
/// </summary>
public static class CatalogueMarkdown
{
    public static string Write()
    {
        var md = new StringBuilder();
        md.Append("# Component catalogue\n\n");
        md.Append("Every class a schedule may name under `class:`, with the arguments it takes from YAML — names, types, defaults and\n");
        md.Append("allowed values exactly as Distiller's (or PyTorch's) constructors have them. This file is generated from\n");
        md.Append("`ComponentCatalogue` (src/Sdk/Catalogue) by `CatalogueMarkdown.Write()`; `CatalogueDocsTests` fails when it is stale\n");
        md.Append("(run the tests with `DISTILLER_TYPED_UPDATE_DOCS=1` to rewrite it).\n\n");
        md.Append("Types: *number* is a YAML int or float; *names* says whether an argument names model parameters or modules, which\n");
        md.Append("the source generator checks against the model. Arguments the loader supplies (")
          .Append(string.Join(", ", ComponentCatalogue.LoaderSuppliedArguments.Select(a => "`" + a + "`")))
          .Append(") are never written in a schedule.\n\n");

        foreach (var section in ScheduleSections.All)
        {
            var components = ComponentCatalogue.InSection(section).ToList();
            md.Append("## ").Append(section.YamlKey()).Append("\n\n");
            md.Append(string.Join(" · ", components.Select(c => $"[{c.ClassName}](#{c.ClassName.ToLowerInvariant()})"))).Append("\n\n");
            foreach (var component in components)
                WriteComponent(md, component);
        }

        md.Append("## Policy arguments\n\n");
        md.Append("What a policy's `args:` may hold. Distiller reads pruning-policy args with `dict.get`, so a misspelt key is silently\n");
        md.Append("ignored there; here it is an error (DTS054). Quantization, LR-scheduler and extension policies take no args.\n\n");
        md.Append("### pruner policies (PruningPolicy)\n\n");
        WriteParameters(md, ComponentCatalogue.PolicyArguments(ScheduleSection.Pruners));
        md.Append("### regularizer policies (RegularizationPolicy)\n\n");
        WriteParameters(md, ComponentCatalogue.PolicyArguments(ScheduleSection.Regularizers));

        md.Append("## Not supported\n\n");
        md.Append("| Class | Section | Why |\n|---|---|---|\n");
        foreach (var unsupported in ComponentCatalogue.Unsupported)
            md.Append($"| {unsupported.ClassName} | {unsupported.Section.YamlKey()} | {Escape(unsupported.Reason)} |\n");
        return md.ToString();
    }

    private static void WriteComponent(StringBuilder md, ComponentDescriptor component)
    {
        md.Append("### ").Append(component.ClassName).Append("\n\n");
        md.Append(Escape(component.Summary)).Append("\n\n");
        var traits = new List<string>();
        if (component.NeedsOptimizer)
            traits.Add("needs the optimizer");
        if (component.PostTrainingOnly)
            traits.Add("post-training only (no policy)");
        if (component.UsesAgpSchedule)
            traits.Add("follows the AGP schedule (needs a policy range with a positive AGP span)");
        if (traits.Count > 0)
            md.Append("*").Append(string.Join("; ", traits)).Append(".* ");
        if (component.Source.Length > 0)
            md.Append("Source: `").Append(component.Source).Append("`.");
        md.Append("\n\n");
        WriteParameters(md, component.Parameters);
        foreach (var choice in component.Choices)
            md.Append($"Give at most {(choice.Required ? "and at least " : "")}one of {string.Join(", ", choice.Names.Select(n => "`" + n + "`"))}: {Escape(choice.Reason)}.\n\n");
        foreach (var variant in component.Variants)
        {
            md.Append($"`{variant.SelectedBy}`{(variant.IsDefault ? " (or neither)" : "")} selects `{variant.QualifiedName}`, {Escape(variant.Summary)}, which takes ")
              .Append(string.Join(", ", variant.Parameters.Select(p => "`" + p.Name + "`" + (p.Required ? " (required)" : p.Default is null ? "" : " (default `" + p.Default + "`)"))))
              .Append(".\n\n");
        }
        foreach (var parameter in component.Parameters.Where(p => p.Type == ParameterType.OverrideMap && !p.EntryParameters.IsEmpty))
        {
            md.Append("Each `").Append(parameter.Name).Append("` entry may set (unset ones inherit the quantizer's values):\n\n");
            WriteParameters(md, parameter.EntryParameters);
        }
    }

    private static void WriteParameters(StringBuilder md, EquatableArray<ParameterDescriptor> parameters)
    {
        if (parameters.IsEmpty)
        {
            md.Append("No arguments.\n\n");
            return;
        }
        md.Append("| Argument | Type | Default | Values | Names | Meaning |\n|---|---|---|---|---|---|\n");
        foreach (var p in parameters)
        {
            var type = p.Type switch
            {
                ParameterType.String when p.IsEnumeration => "string",
                ParameterType.QuantMode => "mode or {activations, weights}",
                _ => p.TypeDescription,
            };
            if (p.Nullable)
                type += " or null";
            var values = new List<string>();
            if (p.IsEnumeration)
                values.Add(string.Join(", ", p.AllowedValues.Select(v => "`" + v + "`")));
            if (p.Range is { } range)
                values.Add(range.ToString());
            var names = p.NameKind switch
            {
                NameKind.ParameterNames => "parameter names",
                NameKind.ParameterNameMap => p.AcceptsDefaultKey ? "keys: parameter names, `'*'` = default" : "keys: parameter names",
                NameKind.ModuleOverrides => "keys: module names / regexes, first match wins",
                NameKind.ModuleNames => "module names",
                _ => "",
            };
            var defaultText = p.Required ? "**required**" : p.Default is null ? "" : "`" + p.Default + "`";
            var meaning = p.NotSupported is { } reason ? $"**Not supported by this runtime** ({reason}). {p.Summary}" : p.Summary;
            md.Append($"| `{p.Name}` | {Escape(type)} | {defaultText} | {Escape(string.Join("; ", values))} | {names} | {Escape(meaning)} |\n");
        }
        md.Append('\n');
    }

    private static string Escape(string text) => text.Replace("|", "\\|");
}
