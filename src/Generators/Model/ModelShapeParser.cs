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
internal sealed class ModelShapeParser
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
