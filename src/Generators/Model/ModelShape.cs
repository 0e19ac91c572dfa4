using Distiller.Typed.Schedules;
using Distiller.Typed.Generators.Helpers;

namespace Distiller.Typed.Generators.Model;

/// <summary>
/// What the generator knows about one <c>[CompressibleModel]</c> class: names only, never symbols or syntax,
/// so the record is value-equal and cacheable. Names follow TorchSharp's <c>named_parameters()</c> /
/// <c>named_modules()</c>; a segment <c>&lt;index&gt;</c> or <c>&lt;key&gt;</c> stands for a container entry
/// added at run time.
/// </summary>
/// <param name="ClassName">The class name, e.g. <c>AlexNet</c>.</param>
/// <param name="Namespace">The namespace, empty for the global namespace.</param>
/// <param name="FullyQualifiedName">The type as <c>global::Ns.AlexNet</c>.</param>
/// <param name="IsPublic">Whether the class is visible outside its assembly (emitted builders match it).</param>
/// <param name="IsAccessible">Whether namespace-level code can name the class (false for a private or protected
/// nested class: its builder then has no <c>Build</c>).</param>
/// <param name="Prefix">The names of the containing types of a nested class (<c>Outer</c>), prefixed to the generated
/// class names so two nested models of the same name do not collide.</param>
/// <param name="Parameters">Every parameter name the model can have.</param>
/// <param name="Modules">Every sub-module name with its type.</param>
/// <param name="OpenModules">Module names whose contents the generator cannot see (a delegate-made layer,
/// a module type from another assembly), each with the reason; names below them are never reported.</param>
internal sealed record ModelShape(
    string ClassName,
    string Namespace,
    string FullyQualifiedName,
    bool IsPublic,
    bool IsAccessible,
    string Prefix,
    EquatableArray<ModelParameter> Parameters,
    EquatableArray<ModelModule> Modules,
    EquatableArray<OpenModule> OpenModules)
{
    /// <summary>True when every module's contents are known, so "matches nothing" findings are safe.</summary>
    public bool IsClosed => OpenModules.Count == 0;

    /// <summary>The names of the open modules (empty for the whole model).</summary>
    public System.Collections.Generic.IReadOnlyList<string> OpenPrefixes =>
        System.Linq.Enumerable.ToList(System.Linq.Enumerable.Select(OpenModules, o => o.Prefix));
}

/// <summary>A module whose contents the analysis cannot see (<paramref name="Prefix"/> is empty for the whole
/// model), and why, in words for the info diagnostic.</summary>
internal sealed record OpenModule(string Prefix, string Reason);

/// <summary>A parameter name, its tensor rank (0 when unknown), and whether it exists only for some arguments
/// (e.g. a <c>bias</c> whose <c>bias:</c> argument is not a constant).</summary>
internal sealed record ModelParameter(string Name, int Rank, bool IsConditional);

/// <summary>A module name (as <c>named_modules()</c> gives it) and its class name.</summary>
internal sealed record ModelModule(string Name, string TypeName);
