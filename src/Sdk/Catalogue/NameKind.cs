namespace Distiller.Typed.Catalogue;

/// <summary>
/// Whether an argument's value (or its keys) names things in the model, so the generator can check them
/// against the model's <c>named_parameters()</c> / <c>named_modules()</c>.
/// </summary>
public enum NameKind
{
    /// <summary>The value names nothing in the model.</summary>
    None,

    /// <summary>A list of parameter names, e.g. a pruner's <c>weights: [conv1.weight, fc.weight]</c>.</summary>
    ParameterNames,

    /// <summary>
    /// A mapping keyed by parameter names, e.g. <c>sensitivities</c>, <c>thresholds</c>, <c>levels</c>,
    /// <c>reg_regims</c>. Where <see cref="ParameterDescriptor.AcceptsDefaultKey"/> is set, the key <c>'*'</c> is the
    /// default for every parameter not listed.
    /// </summary>
    ParameterNameMap,

    /// <summary>
    /// A quantizer's <c>overrides</c>: keys are module names or regular expressions matched against the whole
    /// module name (Distiller wraps each as <c>^pattern$</c>); the first matching key wins.
    /// </summary>
    ModuleOverrides,

    /// <summary>A list of module names.</summary>
    ModuleNames,
}
