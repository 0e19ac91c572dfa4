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

/// <summary>Sequential / ModuleList / ModuleDict: entries from factory arguments, local arrays, and append / Add / indexer
/// stores on a container field.</summary>
internal sealed partial class ModelShapeParser
{
    private ModuleNode ContainerFromArguments(string containerType, InvocationExpressionSyntax invocation, SemanticModel model, int depth)
    {
        var node = new ModuleNode(containerType);
        var index = 0;
        foreach (var argument in invocation.ArgumentList.Arguments)
        {
            if (argument.Expression is TupleExpressionSyntax { Arguments.Count: 2 } tuple)
            {
                var key = model.GetConstantValue(tuple.Arguments[0].Expression, _cancellationToken);
                var child = Resolve(tuple.Arguments[1].Expression, model, depth) ?? ModuleNode.Open("?");
                node.AddChild(key is { HasValue: true, Value: string name } ? name : ModuleNode.KeySegment, child);
                continue;
            }

            var type = model.GetTypeInfo(argument.Expression, _cancellationToken).Type;
            if (type is not null && IsModuleType(type))
            {
                var child = Resolve(argument.Expression, model, depth);
                if (child is not null)
                {
                    node.AddChild((index++).ToString(System.Globalization.CultureInfo.InvariantCulture), child);
                }

                continue;
            }

            if (argument.Expression is IdentifierNameSyntax identifier
                && model.GetSymbolInfo(identifier, _cancellationToken).Symbol is ILocalSymbol { Type: IArrayTypeSymbol } local
                && FillFromLocalArray(node, local, identifier, model, depth))
            {
                continue;
            }

            // An array, list or enumerable built elsewhere: the entries are not visible here.
            node.IsOpen = true;
        }

        return node;
    }

    /// <summary>
    /// Entries of a local array handed to a container factory, as ResNet's stage helper builds it:
    /// <c>var stage = new (string, Module)[n]; stage[0] = ("0", …); for (…) stage[i] = (i.ToString(), …);
    /// return Sequential(stage);</c>. A constant key or index keeps its name; an index or key known only at run time
    /// becomes <c>&lt;index&gt;</c> (an integer turned into a string) or <c>&lt;key&gt;</c>, and then every numbered entry
    /// is merged into the <c>&lt;index&gt;</c> wildcard. False (the caller marks the container open) when the array is
    /// used in any other way than element stores and this one call.
    /// </summary>
    private bool FillFromLocalArray(ModuleNode node, ILocalSymbol local, IdentifierNameSyntax use, SemanticModel model, int depth)
    {
        if (local.DeclaringSyntaxReferences.Length != 1
            || local.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken) is not VariableDeclaratorSyntax { Initializer.Value: var initial } declarator
            || declarator.FirstAncestorOrSelf<BlockSyntax>() is not { } scope
            || declarator.SyntaxTree != use.SyntaxTree)
        {
            return false;
        }

        var entries = new List<KeyValuePair<string, ModuleNode>>();
        switch (initial)
        {
            case ArrayCreationExpressionSyntax { Initializer: null }:
                break;
            case ArrayCreationExpressionSyntax { Initializer: { } elements }:
                AddEntries(elements.Expressions);
                break;
            case ImplicitArrayCreationExpressionSyntax { Initializer: var implicitElements }:
                AddEntries(implicitElements.Expressions);
                break;
            case InitializerExpressionSyntax bare:
                AddEntries(bare.Expressions);
                break;
            default:
                return false;
        }

        foreach (var reference in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (reference.Identifier.ValueText != local.Name || reference == use
                || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(reference, _cancellationToken).Symbol, local))
            {
                continue;
            }

            if (reference.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Length" } length && length.Expression == reference)
            {
                continue;
            }

            // `stage[index] = value` is the only other use the analysis follows.
            if (reference.Parent is not ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } element
                || element.Parent is not AssignmentExpressionSyntax assignment
                || !assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
                || assignment.Left != element)
            {
                return false;
            }

            var index = element.ArgumentList.Arguments[0].Expression;
            var position = model.GetConstantValue(index, _cancellationToken) is { HasValue: true, Value: int i }
                ? i.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : ModuleNode.IndexSegment;
            entries.Add(Entry(assignment.Right, position));
        }

        var wildcard = entries.Any(e => e.Key == ModuleNode.IndexSegment);
        foreach (var entry in entries)
        {
            node.AddChild(wildcard && entry.Key.All(char.IsDigit) ? ModuleNode.IndexSegment : entry.Key, entry.Value);
        }

        return true;

        void AddEntries(SeparatedSyntaxList<ExpressionSyntax> expressions)
        {
            for (var i = 0; i < expressions.Count; i++)
            {
                entries.Add(Entry(expressions[i], i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        KeyValuePair<string, ModuleNode> Entry(ExpressionSyntax value, string position)
        {
            if (value is TupleExpressionSyntax { Arguments.Count: 2 } tuple)
            {
                var keyExpression = tuple.Arguments[0].Expression;
                var key = model.GetConstantValue(keyExpression, _cancellationToken) is { HasValue: true, Value: string name }
                    ? name
                    : IsIntegerText(keyExpression, model) ? ModuleNode.IndexSegment : ModuleNode.KeySegment;
                return new KeyValuePair<string, ModuleNode>(key, Resolve(tuple.Arguments[1].Expression, model, depth) ?? ModuleNode.Open("?"));
            }

            // Positional entries are named by their place in the array.
            return new KeyValuePair<string, ModuleNode>(position, Resolve(value, model, depth) ?? ModuleNode.Open("?"));
        }
    }

    /// <summary>True for an integer turned into a string: <c>i.ToString(…)</c> or <c>$"{i}"</c>.</summary>
    private bool IsIntegerText(ExpressionSyntax expression, SemanticModel model)
    {
        switch (expression)
        {
            case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ToString" } access } toString:
                return IsInteger(model.GetTypeInfo(access.Expression, _cancellationToken).Type)
                       && toString.ArgumentList.Arguments.All(a => model.GetTypeInfo(a.Expression, _cancellationToken).Type is { } t && t.Name is "CultureInfo" or "IFormatProvider");
            case InterpolatedStringExpressionSyntax { Contents.Count: 1 } interpolated
                when interpolated.Contents[0] is InterpolationSyntax { AlignmentClause: null, FormatClause: null } only:
                return IsInteger(model.GetTypeInfo(only.Expression, _cancellationToken).Type);
            default:
                return false;
        }

        static bool IsInteger(ITypeSymbol? type) =>
            type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16
                or SpecialType.System_Byte or SpecialType.System_UInt32 or SpecialType.System_UInt64 or SpecialType.System_UInt16 or SpecialType.System_SByte;
    }

    /// <summary>Applies <c>append</c> / <c>Add</c> / indexer stores on a container field. Positional entries keep
    /// their index only when every one is added in straight-line constructor code; otherwise the index becomes
    /// <c>&lt;index&gt;</c> and the entry's shape is the union of every element seen.</summary>
    private ModuleNode ApplyMutations(ModuleNode container, IReadOnlyList<ContainerMutation> mutations, bool escapes, int depth)
    {
        if (mutations.Count == 0 && !escapes)
        {
            return container;
        }

        var result = new ModuleNode(container.TypeName, container.IsOpen || escapes);
        var positional = new List<ModuleNode>();
        var named = new List<KeyValuePair<string, ModuleNode>>();
        foreach (var child in container.Children)
        {
            if (int.TryParse(child.Key, out _))
            {
                positional.Add(child.Value);
            }
            else
            {
                named.Add(child);
            }
        }

        var indexKnown = !container.IsOpen;
        foreach (var mutation in mutations)
        {
            if (mutation.Kind == MutationKind.Unknown)
            {
                result.IsOpen = true;
                continue;
            }

            var element = mutation.Element is null ? ModuleNode.Open("?") : Resolve(mutation.Element, mutation.Model, depth) ?? ModuleNode.Open("?");
            if (mutation.Kind == MutationKind.Positional)
            {
                positional.Add(element);
                indexKnown &= mutation.InStraightLineConstructor;
            }
            else
            {
                named.Add(new KeyValuePair<string, ModuleNode>(mutation.Key ?? ModuleNode.KeySegment, element));
            }
        }

        if (indexKnown)
        {
            for (var i = 0; i < positional.Count; i++)
            {
                result.AddChild(i.ToString(System.Globalization.CultureInfo.InvariantCulture), positional[i]);
            }
        }
        else if (positional.Count > 0)
        {
            var union = positional[0];
            for (var i = 1; i < positional.Count; i++)
            {
                union = ModuleNode.Union(union, positional[i]);
            }

            result.AddChild(ModuleNode.IndexSegment, union);
        }

        foreach (var entry in named)
        {
            result.AddChild(entry.Key, entry.Value);
        }

        return result;
    }
}
