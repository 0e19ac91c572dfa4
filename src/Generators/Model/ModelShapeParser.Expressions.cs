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

/// <summary>What an expression evaluates to as a module: creations, TorchSharp layer factories, helpers and virtual
/// factories (the override the annotated class reaches), locals.</summary>
internal sealed partial class ModelShapeParser
{
    /// <summary>What an expression evaluates to, as a module; null for <c>null</c>.</summary>
    private ModuleNode? Resolve(ExpressionSyntax expression, SemanticModel model, int depth)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        switch (expression)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return Resolve(parenthesized.Expression, model, depth);
            case CastExpressionSyntax cast:
                return Resolve(cast.Expression, model, depth);
            case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.NullLiteralExpression):
                return null;
            case PostfixUnaryExpressionSyntax postfix when postfix.IsKind(SyntaxKind.SuppressNullableWarningExpression):
                return Resolve(postfix.Operand, model, depth);
            case ConditionalExpressionSyntax conditional:
                return UnionOf(Resolve(conditional.WhenTrue, model, depth), Resolve(conditional.WhenFalse, model, depth));
            case BinaryExpressionSyntax coalesce when coalesce.IsKind(SyntaxKind.CoalesceExpression):
                return UnionOf(Resolve(coalesce.Left, model, depth), Resolve(coalesce.Right, model, depth));
            case InvocationExpressionSyntax invocation:
                return ResolveInvocation(invocation, model, depth);
            case BaseObjectCreationExpressionSyntax creation:
                return ResolveCreation(creation, model, depth);
            case IdentifierNameSyntax identifier when model.GetSymbolInfo(identifier, _cancellationToken).Symbol is ILocalSymbol local:
                return ResolveLocal(local, identifier, model, depth);
        }

        return FromType(model.GetTypeInfo(expression, _cancellationToken).Type, depth)
            ?? ModuleNode.Open("?");
    }

    private SemanticModel SemanticModelOf(SyntaxTree tree)
    {
        if (!_semanticModels.TryGetValue(tree, out var model))
        {
            model = _compilation.GetSemanticModel(tree);
            _semanticModels[tree] = model;
        }

        return model;
    }

    private static ModuleNode? UnionOf(ModuleNode? a, ModuleNode? b) =>
        a is null ? b : b is null ? a : ModuleNode.Union(a, b);

    private ModuleNode ResolveLocal(ILocalSymbol local, IdentifierNameSyntax use, SemanticModel model, int depth)
    {
        // `var conv = Conv2d(...); seq.append(conv);` — one initializer and no later store.
        if (local.DeclaringSyntaxReferences.Length == 1
            && local.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken) is VariableDeclaratorSyntax { Initializer: { } initializer } declarator)
        {
            var scope = declarator.FirstAncestorOrSelf<BlockSyntax>();
            var uses = scope is null
                ? []
                : scope.DescendantNodes().OfType<IdentifierNameSyntax>()
                    .Where(i => i != use && i.Identifier.ValueText == local.Name
                                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(i, _cancellationToken).Symbol, local))
                    .ToList();
            if (!uses.Any(IsStoredInto))
            {
                var node = Resolve(initializer.Value, model, depth) ?? ModuleNode.Open(local.Type.Name);
                if (uses.Any(IsChangedThrough))
                {
                    // `var head = Sequential(); head.append(…)`: the analysis follows containers only through fields.
                    node = node.Copy();
                    node.MarkOpen($"the local '{local.Name}' is changed through a method call before it is registered");
                }

                return node;
            }
        }

        return FromType(local.Type, depth) ?? ModuleNode.Open(local.Type.Name);

        static bool IsStoredInto(IdentifierNameSyntax identifier) => identifier.Parent switch
        {
            AssignmentExpressionSyntax assignment => assignment.Left == identifier,
            ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None) && !argument.RefKindKeyword.IsKind(SyntaxKind.InKeyword)
                                       || argument.Parent is TupleExpressionSyntax { Parent: AssignmentExpressionSyntax deconstruction } targets && deconstruction.Left == targets,
            _ => false,
        };

        static bool IsChangedThrough(IdentifierNameSyntax identifier) =>
            identifier.Parent is MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax, Name.Identifier.ValueText: not ("call" or "forward" or "ToString" or "GetType" or "parameters" or "named_parameters" or "modules" or "named_modules" or "children" or "named_children" or "to" or "cuda" or "cpu" or "train" or "eval") } access
            && access.Expression == identifier
            || identifier.Parent is ElementAccessExpressionSyntax { Parent: AssignmentExpressionSyntax };
    }

    private ModuleNode ResolveCreation(BaseObjectCreationExpressionSyntax creation, SemanticModel model, int depth)
    {
        var type = model.GetTypeInfo(creation, _cancellationToken).Type as INamedTypeSymbol;
        if (type is null)
        {
            return ModuleNode.Open("?");
        }

        if (type.DeclaringSyntaxReferences.Length > 0 && IsModuleType(type))
        {
            return AnalyzeClass(type, depth + 1);
        }

        if (IsTorchSharpModules(type) && IsContainer(type.Name) && (creation.ArgumentList?.Arguments.Count ?? 0) == 0)
        {
            return new ModuleNode(type.Name);
        }

        return FromType(type, depth) ?? ModuleNode.Open(type.Name);
    }

    private ModuleNode ResolveInvocation(InvocationExpressionSyntax invocation, SemanticModel model, int depth)
    {
        if (model.GetSymbolInfo(invocation, _cancellationToken).Symbol is not IMethodSymbol method)
        {
            return ModuleNode.Open("?");
        }

        var returnType = method.ReturnType as INamedTypeSymbol;
        if (IsTorchSharpFactory(method) && returnType is not null && IsTorchSharpModules(returnType))
        {
            if (IsContainer(returnType.Name))
            {
                return ContainerFromArguments(returnType.Name, invocation, model, depth);
            }

            return Layer(returnType.Name, model.GetOperation(invocation, _cancellationToken) as IInvocationOperation);
        }

        if (method.IsVirtual || method.IsAbstract || method.IsOverride)
        {
            // A layer factory the annotated class may override: `this.MakeHead()` runs the most derived override,
            // `other.MakeHead()` whichever override other's run-time type has.
            var target = OnThis(invocation) ? MostDerivedOverride(method) : null;
            if (target is null)
            {
                return FromType(returnType, depth) ?? ModuleNode.Open(returnType?.Name ?? "?", $"{method.Name}() is virtual and called on another object");
            }

            method = target;
        }

        // A helper in the same compilation that returns one expression (`Block(...) => Sequential(...)`).
        if (method.DeclaringSyntaxReferences.Length == 1 && depth < MaxDepth)
        {
            var syntax = method.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken);
            var returned = ReturnedExpressions(syntax).ToList();
            if (returned.Count > 0)
            {
                var helperModel = SemanticModelOf(syntax.SyntaxTree);
                ModuleNode? result = null;
                foreach (var expression in returned)
                {
                    result = UnionOf(result, Resolve(expression, helperModel, depth + 1));
                }

                if (result is not null)
                {
                    return result;
                }
            }
        }

        return FromType(returnType, depth) ?? ModuleNode.Open(returnType?.Name ?? "?");
    }

    private static bool OnThis(InvocationExpressionSyntax invocation) =>
        invocation.Expression is IdentifierNameSyntax or GenericNameSyntax
            or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax };

    /// <summary>The override of <paramref name="method"/> that a call on <c>this</c> reaches for the class being
    /// analysed, or null when that override's code is not in this compilation.</summary>
    private IMethodSymbol? MostDerivedOverride(IMethodSymbol method)
    {
        var original = method.OriginalDefinition;
        for (var type = _thisTypes.Count > 0 ? _thisTypes[_thisTypes.Count - 1] : null; type is not null; type = type.BaseType)
        {
            foreach (var candidate in type.GetMembers(method.Name).OfType<IMethodSymbol>())
            {
                for (var overridden = candidate; overridden is not null; overridden = overridden.OverriddenMethod)
                {
                    if (SymbolEqualityComparer.Default.Equals(overridden.OriginalDefinition, original))
                    {
                        return candidate.DeclaringSyntaxReferences.Length == 1 ? candidate : null;
                    }
                }
            }
        }

        return method.DeclaringSyntaxReferences.Length == 1 ? method : null;
    }

    private static IEnumerable<ExpressionSyntax> ReturnedExpressions(SyntaxNode method)
    {
        switch (method)
        {
            case MethodDeclarationSyntax { ExpressionBody: { } arrow }:
                return [arrow.Expression];
            case LocalFunctionStatementSyntax { ExpressionBody: { } localArrow }:
                return [localArrow.Expression];
            case MethodDeclarationSyntax { Body: { } body }:
                return Returns(body);
            case LocalFunctionStatementSyntax { Body: { } localBody }:
                return Returns(localBody);
            default:
                return [];
        }

        static IEnumerable<ExpressionSyntax> Returns(BlockSyntax body) => body.DescendantNodes(n => n is not (LambdaExpressionSyntax or LocalFunctionStatementSyntax))
            .OfType<ReturnStatementSyntax>()
            .Select(r => r.Expression)
            .OfType<ExpressionSyntax>();
    }

    /// <summary>A TorchSharp layer from its factory call; a parameter whose switch argument is a non-constant
    /// expression is kept, marked conditional.</summary>
    private static ModuleNode Layer(string typeName, IInvocationOperation? operation)
    {
        var parameters = TorchSharpLayers.ParametersOf(typeName);
        if (parameters is null)
        {
            return ModuleNode.Open(typeName);
        }

        var node = new ModuleNode(typeName);
        foreach (var parameter in parameters)
        {
            var conditional = false;
            var absent = false;
            foreach (var switchName in parameter.SwitchArguments)
            {
                var argument = operation?.Arguments.FirstOrDefault(a => a.Parameter?.Name == switchName);
                var constant = argument?.Value.ConstantValue;
                absent |= constant is { HasValue: true, Value: false };

                // No operation, no such argument (another overload) or a value known only at run time.
                conditional |= constant is not { HasValue: true, Value: true };
            }

            if (!absent)
            {
                node.Parameters.Add(new ModelParameter(parameter.Name, parameter.Rank, conditional));
            }
        }

        return node;
    }
}
