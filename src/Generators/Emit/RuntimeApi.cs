using System.Linq;
using Microsoft.CodeAnalysis;

namespace Distiller.Typed.Generators.Emit;

/// <summary>
/// The runtime API generated code calls. <c>CreateSpec</c> needs <c>ScheduleSpec</c>; <c>Build</c> needs a public
/// static factory in <c>Distiller.Typed.Scheduling</c> that takes a module, a <c>ScheduleSpec</c> and optionally an
/// optimizer and returns the <c>CompressionScheduler</c>. It is found by signature, so the generator follows the
/// runtime without naming its method, and a project without the runtime still compiles.
/// </summary>
internal static class RuntimeApi
{
    public const string ScheduleSpecMetadataName = "Distiller.Typed.Scheduling.ScheduleSpec";
    public const string SchedulerMetadataName = "Distiller.Typed.Scheduling.CompressionScheduler";
    public const string SchedulerType = "global::" + SchedulerMetadataName;

    /// <summary>Placeholders of <see cref="RuntimeFeatures.FactoryCall"/>.</summary>
    public const string Model = "{model}";
    public const string Spec = "{spec}";
    public const string Optimizer = "{optimizer}";

    public static RuntimeFeatures Detect(Compilation compilation)
    {
        var spec = compilation.GetTypeByMetadataName(ScheduleSpecMetadataName);
        var scheduler = compilation.GetTypeByMetadataName(SchedulerMetadataName);
        if (spec is null)
        {
            return new RuntimeFeatures(false, null);
        }

        if (scheduler is null)
        {
            return new RuntimeFeatures(true, null);
        }

        var module = compilation.GetTypeByMetadataName("TorchSharp.torch+nn+Module");
        var optimizer = compilation.GetTypeByMetadataName("TorchSharp.torch+optim+Optimizer");
        // The namespace as the compilation sees it (merged over all references), not only the runtime assembly's.
        INamespaceSymbol? ns = compilation.GlobalNamespace;
        foreach (var part in new[] { "Distiller", "Typed", "Scheduling" })
        {
            ns = ns?.GetNamespaceMembers().FirstOrDefault(n => n.Name == part);
        }

        var candidates = (ns?.GetTypeMembers() ?? default).Where(t => t.DeclaredAccessibility == Accessibility.Public)
            .SelectMany(t => t.GetMembers().OfType<IMethodSymbol>())
            .Where(m => m.IsStatic && m.DeclaredAccessibility == Accessibility.Public && m.MethodKind == MethodKind.Ordinary
                        && !m.IsGenericMethod && SymbolEqualityComparer.Default.Equals(m.ReturnType, scheduler))
            .OrderBy(m => m.ContainingType.Name, System.StringComparer.Ordinal)
            .ThenBy(m => m.Name, System.StringComparer.Ordinal);

        foreach (var method in candidates)
        {
            var arguments = new System.Collections.Generic.List<string>();
            var ok = true;
            var sawSpec = false;
            var sawModel = false;
            foreach (var parameter in method.Parameters)
            {
                if (!sawModel && module is not null && InheritsFrom(module, parameter.Type))
                {
                    arguments.Add(Model);
                    sawModel = true;
                }
                else if (!sawSpec && SymbolEqualityComparer.Default.Equals(parameter.Type, spec))
                {
                    arguments.Add(Spec);
                    sawSpec = true;
                }
                else if (optimizer is not null && SymbolEqualityComparer.Default.Equals(parameter.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated), optimizer))
                {
                    arguments.Add(Optimizer);
                }
                else if (!parameter.HasExplicitDefaultValue)
                {
                    ok = false;
                    break;
                }
                else
                {
                    break;
                }
            }

            if (ok && sawSpec && sawModel)
            {
                var name = method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + method.Name;
                return new RuntimeFeatures(true, name + "(" + string.Join(", ", arguments) + ")");
            }
        }

        return new RuntimeFeatures(true, null);
    }

    /// <summary>True when a value of <paramref name="module"/> (TorchSharp's Module) can be passed as <paramref name="type"/>.</summary>
    private static bool InheritsFrom(INamedTypeSymbol module, ITypeSymbol type) =>
        SymbolEqualityComparer.Default.Equals(type, module);
}
