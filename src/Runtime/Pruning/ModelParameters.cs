using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// Looks up parameters and the modules that own them by the names <c>named_parameters()</c> and
/// <c>named_modules()</c> give: parameter <c>layer1.0.conv1.weight</c> belongs to module <c>layer1.0.conv1</c>.
/// </summary>
public static class ModelParameters
{
    /// <summary>The parameter called <paramref name="parameterName"/>; throws naming it (and <paramref name="owner"/>) when absent.</summary>
    public static Tensor Find(nn.Module model, string parameterName, string owner)
    {
        ArgumentNullException.ThrowIfNull(model, nameof(model));
        foreach (var (name, parameter) in model.named_parameters())
            if (name == parameterName)
                return parameter;
        throw new ArgumentException($"{owner}: the model has no parameter named '{parameterName}'.", nameof(parameterName));
    }

    /// <summary>The module name part of a parameter name: everything before its last '.'.</summary>
    public static string OwnerModuleName(string parameterName)
    {
        int dot = parameterName.LastIndexOf('.');
        return dot < 0 ? "" : parameterName[..dot];
    }

    /// <summary>The module called <paramref name="moduleName"/> ("" is the model itself); throws naming it when absent.</summary>
    public static nn.Module FindModule(nn.Module model, string moduleName, string owner)
    {
        if (moduleName.Length == 0)
            return model;
        foreach (var (name, module) in model.named_modules())
            if (name == moduleName)
                return module;
        throw new ArgumentException($"{owner}: the model has no module named '{moduleName}'.", nameof(moduleName));
    }
}
