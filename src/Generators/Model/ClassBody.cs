using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Distiller.Typed.Generators.Model;

internal enum MutationKind
{
    /// <summary><c>append(module)</c>, <c>Add(module)</c>: the next index.</summary>
    Positional,

    /// <summary><c>append("name", module)</c>, <c>Add(("key", module))</c>, <c>dict["key"] = module</c>.</summary>
    Named,

    /// <summary><c>extend</c>, <c>Clear</c>, <c>Remove</c>, an index store: contents no longer known.</summary>
    Unknown,
}

/// <summary>One change to a container field seen in the class's code.</summary>
internal sealed record ContainerMutation(
    MutationKind Kind,
    ExpressionSyntax? Element,
    string? Key,
    SemanticModel Model,
    bool InStraightLineConstructor);

/// <summary>
/// The code of one module class (all its partial declarations) and the questions the shape analysis asks it:
/// what a field is assigned, how a container field is filled, which names <c>register_module</c> adds, and
/// whether a field leaves the class where the generator cannot follow it.
/// </summary>
internal sealed class ClassBody
{
    private static readonly HashSet<string> AddingMethods = ["append", "Add", "Insert"];
    private static readonly HashSet<string> UnknownMutations = ["extend", "Clear", "clear", "Remove", "RemoveAt"];

    private readonly INamedTypeSymbol _type;
    private readonly CancellationToken _cancellationToken;
    private readonly List<(SyntaxNode Declaration, SemanticModel Model)> _declarations = new();
    private readonly Dictionary<IFieldSymbol, HashSet<IParameterSymbol>> _helperParameters = new(SymbolEqualityComparer.Default);
    private List<(AssignmentExpressionSyntax Node, SemanticModel Model, ISymbol? Left)>? _assignments;
    private List<(InvocationExpressionSyntax Node, SemanticModel Model, IMethodSymbol? Method, ISymbol? Receiver)>? _invocations;

    public ClassBody(INamedTypeSymbol type, System.Func<SyntaxTree, SemanticModel> semanticModel, CancellationToken cancellationToken)
    {
        _type = type;
        _cancellationToken = cancellationToken;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax(cancellationToken);
            _declarations.Add((syntax, semanticModel(syntax.SyntaxTree)));
        }
    }

    private IEnumerable<(T Node, SemanticModel Model)> Nodes<T>()
        where T : SyntaxNode
    {
        foreach (var (declaration, model) in _declarations)
        {
            // Nested types are their own modules.
            foreach (var node in declaration.DescendantNodes(n => n == declaration || n is not BaseTypeDeclarationSyntax).OfType<T>())
            {
                yield return (node, model);
            }
        }
    }

    private ISymbol? SymbolOf(ExpressionSyntax expression, SemanticModel model) =>
        model.GetSymbolInfo(expression, _cancellationToken).Symbol;

    /// <summary>Every assignment of the class with the symbol it stores into, bound once per class.</summary>
    private List<(AssignmentExpressionSyntax Node, SemanticModel Model, ISymbol? Left)> AllAssignments() =>
        _assignments ??= Nodes<AssignmentExpressionSyntax>()
            .Select(a => (a.Node, a.Model, SymbolOf(a.Node.Left is ElementAccessExpressionSyntax e ? e.Expression : a.Node.Left, a.Model)))
            .ToList();

    /// <summary>Every invocation of the class with its target method and receiver, bound once per class.</summary>
    private List<(InvocationExpressionSyntax Node, SemanticModel Model, IMethodSymbol? Method, ISymbol? Receiver)> AllInvocations() =>
        _invocations ??= Nodes<InvocationExpressionSyntax>()
            .Select(i => (
                i.Node,
                i.Model,
                i.Model.GetSymbolInfo(i.Node, _cancellationToken).Symbol as IMethodSymbol,
                i.Node.Expression is MemberAccessExpressionSyntax access ? SymbolOf(access.Expression, i.Model) : null))
            .ToList();

    /// <summary>Every value stored in <paramref name="field"/> by this class's code: its initializer (when this class
    /// declares the field) and each <c>field = …</c> (a derived class may assign a protected field of its base).</summary>
    public IEnumerable<(ExpressionSyntax Value, SemanticModel Model)> Assignments(IFieldSymbol field)
    {
        var property = field.AssociatedSymbol as IPropertySymbol;
        var declaresField = SymbolEqualityComparer.Default.Equals(field.ContainingType.OriginalDefinition, _type.OriginalDefinition);
        foreach (var reference in declaresField ? (property ?? (ISymbol)field).DeclaringSyntaxReferences : System.Collections.Immutable.ImmutableArray<SyntaxReference>.Empty)
        {
            var initializer = reference.GetSyntax(_cancellationToken) switch
            {
                VariableDeclaratorSyntax declarator => declarator.Initializer,
                PropertyDeclarationSyntax declaration => declaration.Initializer,
                _ => null,
            };
            if (initializer is not null)
            {
                var model = _declarations.FirstOrDefault(d => d.Declaration.SyntaxTree == initializer.SyntaxTree).Model;
                if (model is not null)
                {
                    yield return (initializer.Value, model);
                }
            }
        }

        foreach (var (assignment, model, left) in AllAssignments())
        {
            if (assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
                && assignment.Left is not ElementAccessExpressionSyntax
                && (SymbolEqualityComparer.Default.Equals(left, field) || (property is not null && SymbolEqualityComparer.Default.Equals(left, property))))
            {
                yield return (assignment.Right, model);
            }
        }
    }

    /// <summary>The changes made to a container field, directly or through a helper method of the class that
    /// receives it as an argument (TorchSharp ResNet's <c>MakeLayer(layer1, …)</c>).</summary>
    public IReadOnlyList<ContainerMutation> Mutations(IFieldSymbol field)
    {
        var helperParameters = HelperParameters(field);
        var result = new List<ContainerMutation>();

        foreach (var (invocation, model, _, receiver) in AllInvocations())
        {
            if (invocation.Expression is not MemberAccessExpressionSyntax access)
            {
                continue;
            }

            var direct = SymbolEqualityComparer.Default.Equals(receiver, field);
            if (!direct && !(receiver is IParameterSymbol p && helperParameters.Contains(p)))
            {
                continue;
            }

            var name = access.Name.Identifier.ValueText;
            if (UnknownMutations.Contains(name))
            {
                result.Add(new ContainerMutation(MutationKind.Unknown, null, null, model, false));
                continue;
            }

            if (!AddingMethods.Contains(name))
            {
                continue;
            }

            var straight = direct && name != "Insert" && IsStraightLineConstructorCode(invocation);
            var arguments = invocation.ArgumentList.Arguments;
            if (name == "Insert")
            {
                arguments = arguments.RemoveAt(0);
            }

            if (arguments.Count == 2 && IsString(arguments[0].Expression, model))
            {
                result.Add(new ContainerMutation(MutationKind.Named, arguments[1].Expression, ConstantString(arguments[0].Expression, model), model, straight));
                continue;
            }

            foreach (var argument in arguments)
            {
                if (argument.Expression is TupleExpressionSyntax { Arguments.Count: 2 } tuple)
                {
                    result.Add(new ContainerMutation(MutationKind.Named, tuple.Arguments[1].Expression, ConstantString(tuple.Arguments[0].Expression, model), model, straight));
                }
                else
                {
                    result.Add(new ContainerMutation(MutationKind.Positional, argument.Expression, null, model, straight));
                }
            }
        }

        foreach (var (assignment, model, target) in AllAssignments())
        {
            if (assignment.Left is ElementAccessExpressionSyntax element
                && target is not null
                && (SymbolEqualityComparer.Default.Equals(target, field) || (target is IParameterSymbol p && helperParameters.Contains(p))))
            {
                var index = element.ArgumentList.Arguments.FirstOrDefault()?.Expression;
                if (index is not null && IsString(index, model))
                {
                    result.Add(new ContainerMutation(MutationKind.Named, assignment.Right, ConstantString(index, model), model, false));
                }
                else
                {
                    result.Add(new ContainerMutation(MutationKind.Unknown, null, null, model, false));
                }
            }
        }

        return result;
    }

    /// <summary>True when the field is handed to code the analysis does not follow (a method of another
    /// class, an alias variable), which could add to it.</summary>
    public bool EscapesToUnknownCode(IFieldSymbol field)
    {
        var helperParameters = HelperParameters(field);
        foreach (var (identifier, model) in Nodes<IdentifierNameSyntax>())
        {
            if (identifier.Identifier.ValueText != field.Name && !helperParameters.Any(p => p.Name == identifier.Identifier.ValueText))
            {
                continue;
            }

            var symbol = SymbolOf(identifier, model);
            if (!SymbolEqualityComparer.Default.Equals(symbol, field) && !(symbol is IParameterSymbol p && helperParameters.Contains(p)))
            {
                continue;
            }

            SyntaxNode use = identifier;
            if (use.Parent is MemberAccessExpressionSyntax thisAccess && thisAccess.Name == identifier && thisAccess.Expression is ThisExpressionSyntax)
            {
                use = thisAccess;
            }

            switch (use.Parent)
            {
                case ArgumentSyntax { Parent.Parent: InvocationExpressionSyntax invocation }
                    when model.GetSymbolInfo(invocation, _cancellationToken).Symbol is IMethodSymbol method
                         && (method.Name == "register_module" || SymbolEqualityComparer.Default.Equals(method.ContainingType, _type)):
                    continue;
                case ArgumentSyntax:
                case EqualsValueClauseSyntax:
                case AssignmentExpressionSyntax assignment when assignment.Right == use:
                case ReturnStatementSyntax:
                case ArrowExpressionClauseSyntax:
                case InitializerExpressionSyntax:
                case YieldStatementSyntax:
                    return true;
            }
        }

        return false;
    }

    /// <summary><c>register_module("name", module)</c> calls; the name is null when not a constant.</summary>
    public IEnumerable<(string? Name, ExpressionSyntax Module, SemanticModel Model)> RegisterModuleCalls()
    {
        foreach (var (invocation, model) in Nodes<InvocationExpressionSyntax>())
        {
            if (CalledName(invocation) == "register_module" && invocation.ArgumentList.Arguments.Count == 2)
            {
                var arguments = invocation.ArgumentList.Arguments;
                yield return (ConstantString(arguments[0].Expression, model), arguments[1].Expression, model);
            }
        }
    }

    /// <summary><c>register_parameter("name", …)</c> calls; the name is null when not a constant.</summary>
    public IEnumerable<string?> RegisterParameterCalls()
    {
        foreach (var (invocation, model) in Nodes<InvocationExpressionSyntax>())
        {
            if (CalledName(invocation) == "register_parameter" && invocation.ArgumentList.Arguments.Count >= 1)
            {
                yield return ConstantString(invocation.ArgumentList.Arguments[0].Expression, model);
            }
        }
    }

    private static string? CalledName(InvocationExpressionSyntax invocation) => invocation.Expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access => access.Name.Identifier.ValueText,
        _ => null,
    };

    /// <summary>Parameters of this class's methods that receive <paramref name="field"/> at some call site.</summary>
    private HashSet<IParameterSymbol> HelperParameters(IFieldSymbol field)
    {
        if (_helperParameters.TryGetValue(field, out var cached))
        {
            return cached;
        }

        var result = new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default);
        foreach (var (invocation, model, method, _) in AllInvocations())
        {
            if (method is null || !SymbolEqualityComparer.Default.Equals(method.ContainingType, _type))
            {
                continue;
            }

            var arguments = invocation.ArgumentList.Arguments;
            for (var i = 0; i < arguments.Count; i++)
            {
                if (!(arguments[i].Expression is IdentifierNameSyntax { Identifier.ValueText: var argName } && argName == field.Name
                      || arguments[i].Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: var memberName } && memberName == field.Name)
                    || !SymbolEqualityComparer.Default.Equals(SymbolOf(arguments[i].Expression, model), field))
                {
                    continue;
                }

                var parameter = arguments[i].NameColon is { } nameColon
                    ? method.Parameters.FirstOrDefault(p => p.Name == nameColon.Name.Identifier.ValueText)
                    : i < method.Parameters.Length ? method.Parameters[i] : null;
                if (parameter is not null)
                {
                    result.Add(parameter.OriginalDefinition);
                    result.Add(parameter);
                }
            }
        }

        _helperParameters[field] = result;
        return result;
    }

    private static bool IsStraightLineConstructorCode(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case ConstructorDeclarationSyntax:
                    return true;
                case BlockSyntax:
                case ExpressionStatementSyntax:
                case ArgumentSyntax:
                case ArgumentListSyntax:
                case InvocationExpressionSyntax:
                case MemberAccessExpressionSyntax:
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }

    private bool IsString(ExpressionSyntax expression, SemanticModel model) =>
        model.GetTypeInfo(expression, _cancellationToken).Type?.SpecialType == SpecialType.System_String;

    private string? ConstantString(ExpressionSyntax expression, SemanticModel model) =>
        model.GetConstantValue(expression, _cancellationToken) is { HasValue: true, Value: string value } ? value : null;
}
