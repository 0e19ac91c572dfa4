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

/// <summary>The class walk: a module class and its bases, the fields RegisterComponents() visits, what each field holds,
/// and what register_module / register_parameter add.</summary>
internal sealed partial class ModelShapeParser
{
    private ModuleNode AnalyzeClass(INamedTypeSymbol type, int depth)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        if (_classes.TryGetValue(type, out var known))
        {
            return known;
        }

        if (type.DeclaringSyntaxReferences.Length == 0)
        {
            return ModuleNode.Open(type.Name, $"{type.Name} is compiled into the referenced assembly {type.ContainingAssembly?.Name}, whose code the generator cannot read");
        }

        // A module type that contains itself, or a tree deeper than any real network: stop and say nothing.
        if (depth > MaxDepth || !_inProgress.Add(type))
        {
            return ModuleNode.Open(type.Name);
        }

        _thisTypes.Add(type);
        try
        {
            var node = AnalyzeBodies(type, depth);
            _classes[type] = node;
            return node;
        }
        finally
        {
            _thisTypes.RemoveAt(_thisTypes.Count - 1);
            _inProgress.Remove(type);
        }
    }

    private ModuleNode AnalyzeBodies(INamedTypeSymbol type, int depth)
    {
        var node = new ModuleNode(type.Name);
        var chain = ClassChain(type, out var baseOpen);
        var bodies = chain.Select(t => new ClassBody(t, SemanticModelOf, _cancellationToken)).ToList();
        if (baseOpen)
        {
            node.MarkOpen($"{type.Name} derives from {chain[chain.Count - 1].BaseType?.Name}, whose modules the generator cannot read");
        }

        var fields = RegisteredFields(chain).ToList();
        var onOthers = bodies.SelectMany(b => b.RegistrationsOnOthers()).ToList();
        foreach (var registration in onOthers)
        {
            if (registration.Receiver is not IFieldSymbol field || !fields.Contains(field, SymbolEqualityComparer.Default))
            {
                node.MarkOpen($"{type.Name} calls {registration.Receiver?.Name ?? "an object"}.{(registration.IsModule ? "register_module" : "register_parameter")}(…) on an object the generator cannot follow");
            }
        }

        foreach (var field in fields)
        {
            var name = ComponentName(field) ?? field.Name;
            if (IsParameterType(field.Type))
            {
                if (bodies.Any(b => b.Assignments(field).Any()))
                {
                    node.Parameters.Add(new ModelParameter(name, 0, false));
                }

                continue;
            }

            if (!IsModuleType(field.Type))
            {
                continue;
            }

            var child = AnalyzeField(field, bodies, depth);
            if (child is not null)
            {
                node.AddChild(name, WithRegistrations(child, onOthers.Where(r => SymbolEqualityComparer.Default.Equals(r.Receiver, field)), depth));
            }
        }

        foreach (var (childName, childExpression, model) in bodies.SelectMany(b => b.RegisterModuleCalls()))
        {
            var child = Resolve(childExpression, model, depth);
            if (childName is null)
            {
                node.IsOpen = true;
            }
            else if (child is not null)
            {
                node.AddChild(childName, child);
            }
        }

        foreach (var parameterName in bodies.SelectMany(b => b.RegisterParameterCalls()))
        {
            if (parameterName is null)
            {
                node.IsOpen = true;
            }
            else
            {
                node.Parameters.Add(new ModelParameter(parameterName, 0, false));
            }
        }

        return node;
    }

    /// <summary>A field's module with what <c>field.register_module(…)</c> / <c>field.register_parameter(…)</c>
    /// calls add to it; an entry added outside the constructor's straight-line code exists for some instances only.</summary>
    private ModuleNode WithRegistrations(ModuleNode node, IEnumerable<Registration> registrations, int depth)
    {
        var list = registrations.ToList();
        if (list.Count == 0)
        {
            return node;
        }

        var result = node.Copy();
        if (IsContainer(node.TypeName))
        {
            // TorchSharp's Sequential does not list a module registered this way; the other containers are not pinned.
            result.MarkOpen($"{node.TypeName}.register_module(…) is called on it");
            return result;
        }

        foreach (var registration in list)
        {
            var conditional = !IsUnconditional(registration.Site);
            if (registration.Name is null)
            {
                result.MarkOpen($"a name registered on {node.TypeName} is not a constant");
            }
            else if (registration.IsModule)
            {
                var child = Resolve(registration.Value, registration.Model, depth);
                if (child is not null)
                {
                    result.AddChild(registration.Name, conditional ? child.AsConditional() : child);
                }
            }
            else
            {
                result.Parameters.Add(new ModelParameter(registration.Name, 0, conditional));
            }
        }

        return result;
    }

    private string? ComponentName(IFieldSymbol field)
    {
        foreach (var attribute in field.GetAttributes())
        {
            if (_componentNameAttribute is not null
                && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _componentNameAttribute))
            {
                foreach (var named in attribute.NamedArguments)
                {
                    if (named.Key == "Name" && named.Value.Value is string value && value.Length > 0)
                    {
                        return value;
                    }
                }
            }
        }

        return null;
    }

    private ModuleNode? AnalyzeField(IFieldSymbol field, IReadOnlyList<ClassBody> bodies, int depth)
    {
        ModuleNode? node = null;
        var assigned = false;
        foreach (var store in bodies.SelectMany(b => b.Assignments(field)))
        {
            assigned = true;
            var resolved = store.Value is null
                ? FromType(field.Type, depth) ?? ModuleNode.Open(field.Type.Name)
                : Resolve(store.Value, store.Model, depth);
            if (resolved is not null)
            {
                node = node is null ? resolved : ModuleNode.Union(node, resolved);
            }
        }

        if (!assigned)
        {
            // Never assigned by the class or its bases: null at RegisterComponents(), so TorchSharp does not register it.
            return null;
        }

        node ??= FromType(field.Type, depth);
        if (node is null)
        {
            return null;
        }

        if (IsContainer(node.TypeName))
        {
            var mutations = bodies.SelectMany(b => b.Mutations(field)).ToList();
            node = ApplyMutations(node, mutations, bodies.Any(b => b.EscapesToUnknownCode(field)), depth);
        }

        // `if (stride != 1) downsample = Sequential(…)`: present for some instances only.
        if (!bodies.SelectMany(b => b.Assignments(field)).Any(a => IsUnconditional(a.Site)))
        {
            node = node.AsConditional();
        }

        return node;
    }

    /// <summary>True for a field initializer and for a store in a constructor's straight-line code (not under an
    /// <c>if</c>, a loop, a <c>switch</c>, a <c>try</c>, a lambda or another method).</summary>
    private static bool IsUnconditional(SyntaxNode site)
    {
        for (SyntaxNode? current = site.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax } }:
                case EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax }:
                case ConstructorDeclarationSyntax:
                    return true;
                case AssignmentExpressionSyntax:
                case ExpressionStatementSyntax:
                case BlockSyntax:
                case ArrowExpressionClauseSyntax:
                case ArgumentSyntax:
                case ArgumentListSyntax:
                case InvocationExpressionSyntax:
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }

    /// <summary>The class and its base classes declared in this compilation, most derived first, up to TorchSharp's
    /// <c>Module</c> types. <paramref name="open"/> is set when a base is one the analysis cannot read (from another
    /// assembly, generic, or a TorchSharp module other than <c>Module</c> itself).</summary>
    private List<INamedTypeSymbol> ClassChain(INamedTypeSymbol type, out bool open)
    {
        var chain = new List<INamedTypeSymbol> { type };
        open = false;
        for (var t = type.BaseType; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
        {
            if (IsTorchSharp(t))
            {
                // Module, Module<T, TResult>, …: nothing registered below. Any other TorchSharp base (deriving
                // from Sequential or Conv2d) brings components the analysis does not list.
                open = t.Name != "Module";
                break;
            }

            if (t.DeclaringSyntaxReferences.Length == 0 || t.IsGenericType || chain.Count > MaxDepth)
            {
                open = true;
                break;
            }

            chain.Add(t);
        }

        return chain;
    }

    /// <summary>The fields TorchSharp 0.107's <c>RegisterComponents()</c> visits, in its order: it walks
    /// <c>GetType()</c> then each base type, calling <c>GetFields(Public | NonPublic | Instance)</c> on each (the
    /// type's own fields, then the non-private fields it inherits), and skips a field name it has seen.</summary>
    private static IEnumerable<IFieldSymbol> RegisteredFields(IReadOnlyList<INamedTypeSymbol> chain)
    {
        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        for (var level = 0; level < chain.Count; level++)
        {
            for (var declaring = level; declaring < chain.Count; declaring++)
            {
                foreach (var field in InstanceFields(chain[declaring]))
                {
                    if ((declaring == level || field.DeclaredAccessibility != Accessibility.Private) && seen.Add(field.Name))
                    {
                        yield return field;
                    }
                }
            }
        }
    }

    private static IEnumerable<IFieldSymbol> InstanceFields(INamedTypeSymbol type) =>
        type.GetMembers().OfType<IFieldSymbol>().Where(field =>
            // An auto-property's backing field is registered too, under its compiler name
            // (TorchSharp's named_parameters() gives "<Fc>k__BackingField.weight" for `Linear Fc { get; }`).
            !field.IsStatic && !field.IsConst && (!field.IsImplicitlyDeclared || field.AssociatedSymbol is IPropertySymbol));
}
