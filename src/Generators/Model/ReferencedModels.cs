using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Distiller.Typed.Generators.Helpers;
using Distiller.Typed.Schedules;
using Microsoft.CodeAnalysis;

namespace Distiller.Typed.Generators.Model;

/// <summary>
/// <c>[CompressibleModel]</c> classes compiled into referenced assemblies (a model library shared by several
/// programs). A schedule binds to them like to a model of this compilation, but their code is not visible here:
/// each is open, so no name under it is reported, and the info diagnostic DTS107 says that the builder checks the
/// names against <c>named_parameters()</c> when it runs.
/// </summary>
internal static class ReferencedModels
{
    public static EquatableArray<ModelShape> Find(Compilation compilation, string attributeName, CancellationToken cancellationToken)
    {
        var attribute = compilation.GetTypeByMetadataName(attributeName);
        if (attribute is null)
        {
            return EquatableArray<ModelShape>.Empty;
        }

        var shapes = new List<ModelShape>();
        foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
        {
            // Only an assembly that references the attribute's assembly can use the attribute.
            if (SymbolEqualityComparer.Default.Equals(assembly, attribute.ContainingAssembly)
                || !assembly.Modules.Any(m => m.ReferencedAssemblies.Any(r => r.Name == attribute.ContainingAssembly.Name)))
            {
                continue;
            }

            foreach (var type in Types(assembly.GlobalNamespace))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute))
                    && compilation.IsSymbolAccessibleWithin(type, compilation.Assembly))
                {
                    shapes.Add(ModelShapeParser.Parse(type, compilation, cancellationToken));
                }
            }
        }

        return shapes.ToEquatableArray();
    }

    private static IEnumerable<INamedTypeSymbol> Types(INamespaceSymbol ns)
    {
        foreach (var member in ns.GetMembers())
        {
            if (member is INamespaceSymbol child)
            {
                foreach (var type in Types(child))
                {
                    yield return type;
                }
            }
            else if (member is INamedTypeSymbol type)
            {
                yield return type;
                foreach (var nested in Nested(type))
                {
                    yield return nested;
                }
            }
        }
    }

    private static IEnumerable<INamedTypeSymbol> Nested(INamedTypeSymbol type)
    {
        foreach (var nested in type.GetTypeMembers())
        {
            yield return nested;
            foreach (var deeper in Nested(nested))
            {
                yield return deeper;
            }
        }
    }
}
