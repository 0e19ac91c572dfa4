namespace Distiller.Typed.Generators.Binding;

/// <summary>What an argument's value names in the model.</summary>
internal enum NameKind
{
    None,

    /// <summary>A list of parameter names (pruner <c>weights</c>).</summary>
    ParameterList,

    /// <summary>A mapping keyed by parameter names, <c>'*'</c> the default (<c>sensitivities</c>, <c>thresholds</c>,
    /// <c>levels</c>, <c>reg_regims</c>).</summary>
    ParameterMap,

    /// <summary>A mapping keyed by module-name regular expressions, first match wins (quantizer <c>overrides</c>).</summary>
    ModulePatternMap,

    /// <summary>A list of module names (<c>no_clip_layers</c>).</summary>
    ModuleList,
}

/// <summary>
/// Which arguments name model parameters or modules. Distiller uses the same argument name for the same meaning
/// across all its classes, so the argument name decides.
/// </summary>
internal static class NameArguments
{
    public static NameKind KindOf(string argument) => argument switch
    {
        "weights" => NameKind.ParameterList,
        "sensitivities" or "thresholds" or "levels" or "reg_regims" => NameKind.ParameterMap,
        "overrides" => NameKind.ModulePatternMap,
        "no_clip_layers" => NameKind.ModuleList,
        _ => NameKind.None,
    };
}
