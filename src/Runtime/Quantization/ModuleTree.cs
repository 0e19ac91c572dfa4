using System.Reflection;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization;

/// <summary>
/// Finds modules by their <c>named_modules()</c> name and swaps a child for another module under the same name, so
/// that names in overrides and schedules stay valid after quantization (a ReLU replaced by a quantized activation is
/// still <c>relu1</c>). The registration table that <c>named_children()</c>, <c>state_dict()</c>, <c>train()</c> and
/// <c>to()</c> read always gets the replacement, at the child's position. TorchSharp modules call their children
/// through C# fields, so the swap also rewrites the entries of a <c>Sequential</c> or <c>ModuleList</c> and the
/// parent's fields that hold the old child. A field typed too narrowly for the replacement (<c>private readonly ReLU
/// relu;</c>, as people write models) keeps the old module, and <see cref="ModuleRedirect"/> makes that module's
/// <c>call()</c> return the replacement's result: the model is used unchanged.
/// </summary>
public static class ModuleTree
{
    private static readonly FieldInfo SubmodulesField =
        typeof(nn.Module).GetField("_internal_submodules", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new MissingFieldException("TorchSharp.nn.Module._internal_submodules");

    private static readonly MethodInfo RegisterComponentsMethod =
        typeof(nn.Module).GetMethod("RegisterComponents", BindingFlags.Instance | BindingFlags.NonPublic, Type.EmptyTypes)
        ?? throw new MissingMethodException("TorchSharp.nn.Module.RegisterComponents");

    /// <summary>The module called <paramref name="fullName"/> (empty for the root), or an error listing the names.</summary>
    public static nn.Module Get(nn.Module root, string fullName)
    {
        if (fullName.Length == 0)
            return root;
        foreach (var (name, module) in root.named_modules())
            if (name == fullName)
                return module;
        throw new ArgumentException(
            $"The model has no module named '{fullName}'. Modules: {string.Join(", ", root.named_modules().Select(m => m.name))}.",
            nameof(fullName));
    }

    /// <summary>Splits <c>a.b.c</c> into the parent <c>a.b</c> and the child name <c>c</c>.</summary>
    public static (string Parent, string Child) Split(string fullName)
    {
        int dot = fullName.LastIndexOf('.');
        return dot < 0 ? ("", fullName) : (fullName[..dot], fullName[(dot + 1)..]);
    }

    /// <summary>Replaces the module called <paramref name="fullName"/> with <paramref name="replacement"/>.</summary>
    public static void Replace(nn.Module root, string fullName, nn.Module replacement)
    {
        var (parentName, child) = Split(fullName);
        ReplaceChild(Get(root, parentName), child, replacement, fullName);
    }

    /// <summary>Replaces the child <paramref name="childName"/> of <paramref name="parent"/> with <paramref name="replacement"/>.</summary>
    public static void ReplaceChild(nn.Module parent, string childName, nn.Module replacement, string? fullNameForErrors = null)
    {
        string display = fullNameForErrors ?? childName;
        nn.Module? old = null;
        foreach (var (n, m) in parent.named_children())
            if (n == childName) { old = m; break; }
        if (old is null)
            throw new ArgumentException($"Module '{display}' not found among the children of {parent.GetType().Name}.", nameof(childName));
        if (ReferenceEquals(old, replacement))
            return;
        RegisterComponentsMethod.Invoke(replacement, null);

        bool swapped = false, container = false;
        if (parent is Sequential seq)
        {
            if (replacement is not nn.IModule<Tensor, Tensor> asSeqItem)
                throw new InvalidOperationException(
                    $"Module '{display}' is inside a Sequential, whose items must be Module<Tensor, Tensor>; {replacement.GetType().Name} is not.");
            var list = (List<nn.IModule<Tensor, Tensor>>)typeof(Sequential).GetField("_modules", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(seq)!;
            var names = (List<string>)typeof(Sequential).GetField("_names", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(seq)!;
            int i = names.IndexOf(childName);
            list[i] = asSeqItem;
            swapped = container = true;
        }
        else if (parent.GetType().IsGenericType && parent.GetType().GetGenericTypeDefinition() == typeof(ModuleList<>))
        {
            var itemType = parent.GetType().GetGenericArguments()[0];
            int position = int.Parse(childName, System.Globalization.CultureInfo.InvariantCulture);
            if (itemType.IsInstanceOfType(replacement))
                parent.GetType().GetProperty("Item")!.SetValue(parent, replacement, new object[] { position });
            else
                ModuleRedirect.Set(old, replacement, display);
            swapped = container = true;
        }

        for (var t = parent.GetType(); t is not null && t != typeof(nn.Module); t = t.BaseType)
        {
            if (t.Assembly == typeof(nn.Module).Assembly)
                continue; // TorchSharp's own containers are handled above
            foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (f.GetValue(parent) is not nn.Module held)
                    continue;
                if (ReferenceEquals(held, old))
                {
                    if (f.FieldType.IsInstanceOfType(replacement) && !(f.IsInitOnly && f.Name.Contains('<')))
                        f.SetValue(parent, replacement);
                    else
                        ModuleRedirect.Set(held, replacement, display);
                    swapped = true;
                }
                else if (ReferenceEquals(ModuleRedirect.Target(held), old))
                {
                    // A narrow field whose module already runs the old child: it runs the new one (or itself again).
                    ModuleRedirect.Set(held, ReferenceEquals(held, replacement) ? null : replacement, display);
                    swapped = true;
                }
            }
        }
        if (!swapped)
            throw new InvalidOperationException(
                $"Cannot replace module '{display}': {parent.GetType().Name} holds it in no field, Sequential or ModuleList, so its forward would not see the replacement.");

        var table = (TorchSharp.Utils.OrderedDict<string, nn.Module>)SubmodulesField.GetValue(parent)!;
        int index = table.IndexOf((childName, old));
        if (index >= 0)
        {
            table.RemoveAt(index);
            table.Insert(index, (childName, replacement));
        }
        else if (!container)
        {
            parent.register_module(childName, replacement);
        }
    }

    /// <summary>Whether <paramref name="m"/> has children.</summary>
    public static bool HasChildren(nn.Module m) => m.named_children().Any();
}
