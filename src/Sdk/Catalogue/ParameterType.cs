namespace Distiller.Typed.Catalogue;

/// <summary>What YAML value an argument takes. Map types are keyed by names (see <see cref="NameKind"/>).</summary>
public enum ParameterType
{
    /// <summary>A number (YAML int or float).</summary>
    Float,

    /// <summary>A whole number.</summary>
    Int,

    /// <summary><c>true</c> / <c>false</c>.</summary>
    Bool,

    /// <summary>Any text; <see cref="ParameterDescriptor.AllowedValues"/> makes it an enumeration.</summary>
    String,

    /// <summary>A list of numbers, e.g. <c>gammas: [0.1, 0.5]</c>.</summary>
    FloatList,

    /// <summary>A list of whole numbers, e.g. <c>milestones: [30, 60]</c>.</summary>
    IntList,

    /// <summary>A list of names, e.g. a pruner's <c>weights</c>.</summary>
    StringList,

    /// <summary>A number or a list of numbers (one per optimizer parameter group), e.g. CyclicLR's <c>base_lr</c>.</summary>
    FloatOrFloatList,

    /// <summary>A mapping of names to numbers, e.g. <c>sensitivities: { 'conv1.weight': 0.25 }</c>.</summary>
    FloatMap,

    /// <summary>
    /// A mapping of parameter names to <c>[number, group_type]</c> pairs, e.g. GroupLassoRegularizer's
    /// <c>reg_regims: { 'conv1.weight': [0.00005, '3D'] }</c>. The allowed group types are the parameter's
    /// <see cref="ParameterDescriptor.AllowedValues"/>; its <see cref="ParameterDescriptor.Range"/> bounds the number.
    /// </summary>
    FloatGroupMap,

    /// <summary>
    /// A quantizer's <c>overrides</c>: module names or regular expressions mapped to per-module arguments (the
    /// parameter's <see cref="ParameterDescriptor.EntryParameters"/>); first match wins.
    /// </summary>
    OverrideMap,

    /// <summary>
    /// A linear quantization mode: one of <see cref="ParameterDescriptor.AllowedValues"/>, or a mapping
    /// <c>{ activations: MODE, weights: MODE }</c> giving each its own mode.
    /// </summary>
    QuantMode,

    /// <summary>A mapping whose keys are the parameter's <see cref="ParameterDescriptor.EntryParameters"/> (when given).</summary>
    Map,

    /// <summary>Any YAML value; not checked beyond being present.</summary>
    Any,
}
