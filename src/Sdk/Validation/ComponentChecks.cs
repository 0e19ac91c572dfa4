using System.Linq;
using Distiller.Typed.Catalogue;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;
using Distiller.Typed.Text;

namespace Distiller.Typed.Validation;

/// <summary>
/// Checks each declared instance against the catalogue: its class exists in its section (or is known to be
/// unsupported, or belongs to another section), then its arguments and the rules between them.
/// </summary>
internal static class ComponentChecks
{
    public static void Check(ValidationContext context)
    {
        foreach (var component in context.Document.Components)
        {
            if (component.Class is not { } classValue || classValue.IsNull)
                continue;
            if (Resolve(context, component, classValue) is not { } descriptor)
                continue;
            ArgumentChecks.CheckEntries(context, ValidationContext.Describe(component), component.Arguments, descriptor.Parameters,
                reportMissingAt: component.Name.Span, loaderSuppliesSome: true);
            CrossArgumentChecks.Check(context, component, descriptor);
        }
    }

    private static ComponentDescriptor? Resolve(ValidationContext context, ComponentDefinition component, ScalarValue classValue)
    {
        var className = classValue.Text;
        var section = component.Section;
        if (ComponentCatalogue.TryFind(className, out var descriptor))
        {
            if (descriptor.Section == section)
                return descriptor;
            context.Report(ScheduleDiagnosticDescriptors.ClassInWrongSection, classValue.Span,
                className, descriptor.Section.YamlKey(), section.YamlKey(), component.InstanceName);
            return null;
        }
        if (ComponentCatalogue.FindUnsupported(className) is { } unsupported)
        {
            context.Report(ScheduleDiagnosticDescriptors.UnsupportedClass, classValue.Span, className, unsupported.Reason);
            return null;
        }
        var candidates = ComponentCatalogue.InSection(section).Select(c => c.ClassName).ToList();
        var suggestion = NearestNames.DidYouMean(className, candidates);
        if (suggestion.Length == 0)
        {
            // A misspelt class of another section ("L1Regulariser" under pruners) is still worth naming.
            var elsewhere = NearestNames.Find(className, ComponentCatalogue.All.Where(c => c.Section != section).Select(c => c.ClassName), 1);
            if (elsewhere.Count == 1 && ComponentCatalogue.TryFind(elsewhere[0], out var other))
                suggestion = $"; did you mean '{other.ClassName}', a class of '{other.Section.YamlKey()}'?";
        }
        context.Report(ScheduleDiagnosticDescriptors.UnknownClass, classValue.Span, section.PolicyKey().Replace('_', ' '), className,
            suggestion, candidates.Count == 0 ? "none" : ValidationContext.Quoted(candidates));
        return null;
    }
}
