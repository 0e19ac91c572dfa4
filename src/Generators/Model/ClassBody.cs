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

/// <summary>One value stored into a field: <paramref name="Value"/> is null when only the field's type is known (a
/// helper from another assembly filled it through <c>out</c>); <paramref name="Site"/> is where the store happens,
/// which says whether every instance gets it.</summary>
internal sealed record FieldStore(ExpressionSyntax? Value, SyntaxNode Site, SemanticModel Model);

/// <summary><c>receiver.register_module(name, value)</c> (or <c>register_parameter</c>) on an object other than
/// <c>this</c>; <paramref name="Name"/> is null when not a constant.</summary>
internal sealed record Registration(ISymbol? Receiver, bool IsModule, string? Name, ExpressionSyntax Value, SyntaxNode Site, SemanticModel Model);

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
    private readonly System.Func<SyntaxTree, SemanticModel> _semanticModel;
    private readonly List<(SyntaxNode Declaration, SemanticModel Model)> _declarations = new();
    private readonly Dictionary<IFieldSymbol, HashSet<IParameterSymbol>> _helperParameters = new(SymbolEqualityComparer.Default);
    private List<(AssignmentExpressionSyntax Node, SemanticModel Model, ISymbol? Left)>? _assignments;
    private List<(InvocationExpressionSyntax Node, SemanticModel Model, IMethodSymbol? Method, ISymbol? Receiver)>? _invocations;

    public ClassBody(INamedTypeSymbol type, System.Func<SyntaxTree, SemanticModel> semanticModel, CancellationToken cancellationToken)
    {
        _type = type;
        _semanticModel = semanticModel;
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
    /// declares the field), each <c>field = …</c> and <c>field ??= …</c> (a derived class may assign a protected field
    /// of its base), each element of a tuple deconstruction <c>(field, other) = (…, …)</c>, and each <c>out</c> /
    /// <c>ref</c> argument <c>Make(out field)</c> (the helper's stores into its parameter when the helper is in this
    /// compilation; an unknown value of the field's type otherwise).</summary>
    public IEnumerable<FieldStore> Assignments(IFieldSymbol field)
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
                    yield return new FieldStore(initializer.Value, initializer.Value, model);
                }
            }
        }

        bool IsField(ISymbol? symbol) =>
            SymbolEqualityComparer.Default.Equals(symbol, field) || (property is not null && SymbolEqualityComparer.Default.Equals(symbol, property));

        foreach (var (assignment, model, left) in AllAssignments())
        {
            if (assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && assignment.Left is TupleExpressionSyntax targets)
            {
                foreach (var store in Deconstruction(targets, assignment.Right, assignment, model, IsField))
                {
                    yield return store;
                }

                continue;
            }

            if ((assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) || assignment.IsKind(SyntaxKind.CoalesceAssignmentExpression))
                && assignment.Left is not ElementAccessExpressionSyntax
                && IsField(left))
            {
                yield return new FieldStore(assignment.Right, assignment, model);
            }
        }

        foreach (var (argument, model) in Nodes<ArgumentSyntax>())
        {
            if (argument.RefKindKeyword.IsKind(SyntaxKind.None) || argument.RefKindKeyword.IsKind(SyntaxKind.InKeyword)
                || !IsField(SymbolOf(argument.Expression, model)))
            {
                continue;
            }

            foreach (var store in StoresThrough(argument, model))
            {
                yield return store;
            }
        }
    }

    /// <summary>The stores of <c>(a, (b, c)) = (x, (y, z))</c> into the targets <paramref name="isTarget"/> accepts;
    /// a right-hand side that is not a tuple literal (a method returning a tuple) stores a value known only by type.</summary>
    private IEnumerable<FieldStore> Deconstruction(TupleExpressionSyntax targets, ExpressionSyntax? values, SyntaxNode site, SemanticModel model, System.Func<ISymbol?, bool> isTarget)
    {
        var tuple = values as TupleExpressionSyntax;
        if (tuple is not null && tuple.Arguments.Count != targets.Arguments.Count)
        {
            tuple = null;
        }

        for (var i = 0; i < targets.Arguments.Count; i++)
        {
            var target = targets.Arguments[i].Expression;
            var value = tuple?.Arguments[i].Expression;
            if (target is TupleExpressionSyntax nested)
            {
                foreach (var store in Deconstruction(nested, value, site, model, isTarget))
                {
                    yield return store;
                }
            }
            else if (isTarget(SymbolOf(target, model)))
            {
                yield return new FieldStore(value, site, model);
            }
        }
    }

    /// <summary>What a helper called as <c>Make(out field)</c> / <c>Make(ref field)</c> stores into the field: the
    /// values its body assigns to that parameter when its code is visible, else a value known only by type.</summary>
    private IEnumerable<FieldStore> StoresThrough(ArgumentSyntax argument, SemanticModel model)
    {
        var unknown = new FieldStore(null, argument, model);
        if (argument.Parent?.Parent is not InvocationExpressionSyntax invocation
            || model.GetSymbolInfo(invocation, _cancellationToken).Symbol is not IMethodSymbol method
            || method.DeclaringSyntaxReferences.Length != 1)
        {
            yield return unknown;
            yield break;
        }

        var arguments = invocation.ArgumentList.Arguments;
        var position = arguments.IndexOf(argument);
        var parameter = argument.NameColon is { } nameColon
            ? method.Parameters.FirstOrDefault(p => p.Name == nameColon.Name.Identifier.ValueText)
            : position < method.Parameters.Length ? method.Parameters[position] : null;
        var declaration = method.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken);
        var helperModel = _semanticModel(declaration.SyntaxTree);
        if (parameter is null)
        {
            yield return unknown;
            yield break;
        }

        bool IsParameter(ISymbol? symbol) => SymbolEqualityComparer.Default.Equals(symbol?.OriginalDefinition, parameter.OriginalDefinition);

        var found = false;
        foreach (var node in declaration.DescendantNodes())
        {
            switch (node)
            {
                case AssignmentExpressionSyntax { Left: TupleExpressionSyntax targets } deconstruction
                    when deconstruction.IsKind(SyntaxKind.SimpleAssignmentExpression):
                    foreach (var store in Deconstruction(targets, deconstruction.Right, argument, helperModel, IsParameter))
                    {
                        found = true;
                        yield return store;
                    }

                    break;
                case AssignmentExpressionSyntax assignment
                    when (assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) || assignment.IsKind(SyntaxKind.CoalesceAssignmentExpression))
                         && IsParameter(SymbolOf(assignment.Left, helperModel)):
                    found = true;

                    // An `out` parameter is always assigned, so the call site decides whether the field is; a `ref`
                    // one may be left alone.
                    yield return new FieldStore(assignment.Right, parameter.RefKind == RefKind.Out ? argument : assignment, helperModel);
                    break;
                case ArgumentSyntax passedOn when !passedOn.RefKindKeyword.IsKind(SyntaxKind.None) && IsParameter(SymbolOf(passedOn.Expression, helperModel)):
                    found = true;
                    yield return unknown;
                    break;
            }
        }

        if (!found && parameter.RefKind == RefKind.Out)
        {
            yield return unknown;
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

    /// <summary><c>other.register_module("name", module)</c> / <c>other.register_parameter("name", p)</c>: a
    /// registration on an object other than this one (a field's module, a local, a parameter).</summary>
    public IEnumerable<Registration> RegistrationsOnOthers()
    {
        foreach (var (invocation, model, _, receiver) in AllInvocations())
        {
            if (invocation.Expression is MemberAccessExpressionSyntax { Expression: not (ThisExpressionSyntax or BaseExpressionSyntax) } access
                && access.Name.Identifier.ValueText is "register_module" or "register_parameter"
                && invocation.ArgumentList.Arguments.Count >= 2)
            {
                var arguments = invocation.ArgumentList.Arguments;
                yield return new Registration(
                    receiver,
                    access.Name.Identifier.ValueText == "register_module",
                    ConstantString(arguments[0].Expression, model),
                    arguments[1].Expression,
                    invocation,
                    model);
            }
        }
    }

    private static string? CalledName(InvocationExpressionSyntax invocation) => invocation.Expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax or BaseExpressionSyntax } access => access.Name.Identifier.ValueText,
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
