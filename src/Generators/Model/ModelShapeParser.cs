using Distiller.Typed.Schedules;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Distiller.Typed.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Distiller.Typed.Generators.Model;

/// <summary>
/// Reads a <c>[CompressibleModel]</c> TorchSharp module class, without running it, into the parameter and module
/// names <c>RegisterComponents()</c> will give it: module and <c>Parameter</c> fields (or their
/// <c>[ComponentName]</c>), TorchSharp layer factories with their <c>bias:</c> / <c>affine:</c> switches,
/// <c>Sequential</c> / <c>ModuleList</c> / <c>ModuleDict</c> built from arguments or filled by
/// <c>append</c> / <c>Add</c>, and custom modules from the same compilation. Whatever it cannot know it marks
/// open instead of guessing, so a name below an open module is never reported.
/// </summary>
internal sealed partial class ModelShapeParser
{
    private const int MaxDepth = 16;

    private readonly Compilation _compilation;
    private readonly CancellationToken _cancellationToken;
    private readonly INamedTypeSymbol? _moduleType;
    private readonly INamedTypeSymbol? _parameterType;
    private readonly INamedTypeSymbol? _componentNameAttribute;
    private readonly Dictionary<INamedTypeSymbol, ModuleNode> _classes = new(SymbolEqualityComparer.Default);
    private readonly HashSet<INamedTypeSymbol> _inProgress = new(SymbolEqualityComparer.Default);

    /// <summary>The classes being analysed, innermost last: <c>this</c> for the code being read, which decides
    /// which override a virtual call reaches.</summary>
    private readonly List<INamedTypeSymbol> _thisTypes = new();
    private readonly Dictionary<SyntaxTree, SemanticModel> _semanticModels = new();

    private ModelShapeParser(Compilation compilation, SemanticModel? known, CancellationToken cancellationToken)
    {
        if (known is not null)
        {
            _semanticModels[known.SyntaxTree] = known;
        }

        _compilation = compilation;
        _cancellationToken = cancellationToken;
        _moduleType = compilation.GetTypeByMetadataName("TorchSharp.torch+nn+Module");
        _parameterType = compilation.GetTypeByMetadataName("TorchSharp.Modules.Parameter");
        _componentNameAttribute = compilation.GetTypeByMetadataName("TorchSharp.Utils.ComponentNameAttribute");
    }

    /// <summary>The shape of <paramref name="modelType"/>; the result holds only strings.</summary>
    public static ModelShape Parse(INamedTypeSymbol modelType, Compilation compilation, CancellationToken cancellationToken, SemanticModel? semanticModel = null)
    {
        var parser = new ModelShapeParser(compilation, semanticModel, cancellationToken);
        var root = parser.AnalyzeClass(modelType, depth: 0);

        var parameters = new List<ModelParameter>();
        var modules = new List<ModelModule>();
        var openModules = new List<OpenModule>();
        root.Flatten(string.Empty, parameters, modules, openModules);

        var ns = modelType.ContainingNamespace is { IsGlobalNamespace: false } containing
            ? containing.ToDisplayString()
            : string.Empty;
        return new ModelShape(
            modelType.Name,
            ns,
            modelType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            IsVisibleOutside(modelType),
            IsAccessibleFromNamespace(modelType),
            ContainingTypePrefix(modelType),
            parameters.ToEquatableArray(),
            modules.ToEquatableArray(),
            openModules.GroupBy(o => o.Prefix).Select(g => g.First()).ToEquatableArray());
    }

    private static bool IsAccessibleFromNamespace(INamedTypeSymbol type)
    {
        for (var t = type; t is not null; t = t.ContainingType)
        {
            // A generic class cannot be named without its type arguments either.
            if (t.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal
                || t.TypeParameters.Length > 0)
            {
                return false;
            }
        }

        return true;
    }

    private static string ContainingTypePrefix(INamedTypeSymbol type)
    {
        var prefix = string.Empty;
        for (var t = type.ContainingType; t is not null; t = t.ContainingType)
        {
            prefix = t.Name + prefix;
        }

        return prefix;
    }

    private static bool IsVisibleOutside(INamedTypeSymbol type)
    {
        for (ISymbol? s = type; s is INamedTypeSymbol t; s = t.ContainingType)
        {
            if (t.DeclaredAccessibility != Accessibility.Public)
            {
                return false;
            }
        }

        return true;
    }
}
