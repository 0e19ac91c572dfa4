using System.Collections.Generic;
using System.Linq;

namespace Distiller.Typed.Generators.Model;

/// <summary>
/// The module tree the shape analysis builds while it walks the code: a module's own parameters and its named
/// children. Lives only inside one analysis; the pipeline keeps the flattened <see cref="ModelShape"/>.
/// </summary>
internal sealed class ModuleNode
{
    public const string IndexSegment = "<index>";
    public const string KeySegment = "<key>";

    public ModuleNode(string typeName, bool isOpen = false)
    {
        TypeName = typeName;
        IsOpen = isOpen;
    }

    public string TypeName { get; private set; }

    /// <summary>The contents are not (fully) known: names below this module are never reported.</summary>
    public bool IsOpen { get; set; }

    public List<ModelParameter> Parameters { get; } = new();

    public List<KeyValuePair<string, ModuleNode>> Children { get; } = new();

    /// <summary>Why the contents are not known, for the info diagnostic; null gives a general reason.</summary>
    public string? OpenReason { get; private set; }

    public static ModuleNode Open(string typeName, string? reason = null) => new(typeName, isOpen: true) { OpenReason = reason };

    /// <summary>Marks the contents unknown, keeping the first reason given.</summary>
    public void MarkOpen(string reason)
    {
        IsOpen = true;
        OpenReason ??= reason;
    }

    /// <summary>A copy that can take more children without changing the module it came from (class shapes are
    /// shared by every field of that class).</summary>
    public ModuleNode Copy()
    {
        var result = new ModuleNode(TypeName, IsOpen) { OpenReason = OpenReason };
        result.Parameters.AddRange(Parameters);
        result.Children.AddRange(Children);
        return result;
    }

    public void AddChild(string segment, ModuleNode child)
    {
        var existing = Children.FindIndex(c => c.Key == segment);
        if (existing < 0)
        {
            Children.Add(new KeyValuePair<string, ModuleNode>(segment, child));
        }
        else
        {
            Children[existing] = new KeyValuePair<string, ModuleNode>(segment, Union(Children[existing].Value, child));
        }
    }

    /// <summary>A module that may be either of two: every name valid in one is valid in the union.</summary>
    public static ModuleNode Union(ModuleNode a, ModuleNode b)
    {
        if (ReferenceEquals(a, b))
        {
            return a;
        }

        var typeName = a.TypeName == b.TypeName ? a.TypeName : a.TypeName + "|" + b.TypeName;
        var result = new ModuleNode(typeName, a.IsOpen || b.IsOpen) { OpenReason = a.OpenReason ?? b.OpenReason };
        foreach (var parameter in a.Parameters.Concat(b.Parameters))
        {
            var index = result.Parameters.FindIndex(p => p.Name == parameter.Name);
            if (index < 0)
            {
                result.Parameters.Add(parameter);
            }
            else
            {
                var other = result.Parameters[index];
                result.Parameters[index] = new ModelParameter(
                    parameter.Name,
                    other.Rank == parameter.Rank ? other.Rank : 0,
                    other.IsConditional || parameter.IsConditional);
            }
        }

        foreach (var child in a.Children.Concat(b.Children))
        {
            result.AddChild(child.Key, child.Value);
        }

        // A name present in only one side exists only for some instances.
        foreach (var parameter in result.Parameters.ToList())
        {
            if (!a.Parameters.Any(p => p.Name == parameter.Name) || !b.Parameters.Any(p => p.Name == parameter.Name))
            {
                var index = result.Parameters.FindIndex(p => p.Name == parameter.Name);
                result.Parameters[index] = parameter with { IsConditional = true };
            }
        }

        return result;
    }

    /// <summary>A copy whose parameters, down the whole subtree, exist only for some instances (a field assigned
    /// under an <c>if</c>): still valid names, never reported missing.</summary>
    public ModuleNode AsConditional()
    {
        var result = new ModuleNode(TypeName, IsOpen) { OpenReason = OpenReason };
        foreach (var parameter in Parameters)
        {
            result.Parameters.Add(parameter with { IsConditional = true });
        }

        foreach (var child in Children)
        {
            result.Children.Add(new KeyValuePair<string, ModuleNode>(child.Key, child.Value.AsConditional()));
        }

        return result;
    }

    /// <summary>Flattens the tree into <c>named_parameters()</c> / <c>named_modules()</c> names.</summary>
    public void Flatten(
        string prefix,
        List<ModelParameter> parameters,
        List<ModelModule> modules,
        List<OpenModule> openModules)
    {
        if (IsOpen)
        {
            openModules.Add(new OpenModule(prefix, OpenReason ?? $"the generator cannot see every module and parameter its {TypeName} registers"));
        }

        foreach (var parameter in Parameters)
        {
            parameters.Add(parameter with { Name = Join(prefix, parameter.Name) });
        }

        foreach (var child in Children)
        {
            var name = Join(prefix, child.Key);
            modules.Add(new ModelModule(name, child.Value.TypeName));
            child.Value.Flatten(name, parameters, modules, openModules);
        }
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}
