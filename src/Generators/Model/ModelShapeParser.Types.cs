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

/// <summary>What a declared type tells: TorchSharp layers, module and parameter types.</summary>
internal sealed partial class ModelShapeParser
{
    /// <summary>The module a declared type tells, when no creation expression is visible.</summary>
    private ModuleNode? FromType(ITypeSymbol? type, int depth)
    {
        if (type is not INamedTypeSymbol named || !IsModuleType(named))
        {
            return null;
        }

        if (named.DeclaringSyntaxReferences.Length > 0 && named.IsSealed)
        {
            return AnalyzeClass(named, depth + 1);
        }

        if (IsTorchSharpModules(named) && TorchSharpLayers.ParametersOf(named.Name) is { } parameters)
        {
            // The type is known but not its arguments: every switchable parameter may or may not exist.
            var node = new ModuleNode(named.Name);
            foreach (var parameter in parameters)
            {
                node.Parameters.Add(new ModelParameter(parameter.Name, parameter.Rank, parameter.SwitchArguments.Length > 0));
            }

            return node;
        }

        return ModuleNode.Open(named.Name, $"it is a {named.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)} made by code the generator does not follow (a delegate, a constructor argument, a method of another assembly)");
    }

    private bool IsModuleType(ITypeSymbol type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, _moduleType))
            {
                return true;
            }
        }

        // Module<T, TResult> and friends when only interfaces are seen (IModule<,>).
        return type.AllInterfaces.Any(i => i.Name == "IModule" && IsTorchSharp(i));
    }

    private bool IsParameterType(ITypeSymbol type) =>
        SymbolEqualityComparer.Default.Equals(type, _parameterType);

    private static bool IsContainer(string typeName) =>
        typeName is "Sequential" or "ModuleList" or "ModuleDict";

    private static bool IsTorchSharp(ISymbol symbol) => symbol.ContainingAssembly?.Name == "TorchSharp";

    private static bool IsTorchSharpModules(INamedTypeSymbol type) =>
        IsTorchSharp(type) && type.ContainingNamespace.ToDisplayString() == "TorchSharp.Modules";

    private static bool IsTorchSharpFactory(IMethodSymbol method) =>
        IsTorchSharp(method) && method.IsStatic && method.ContainingType.Name == "nn";
}
