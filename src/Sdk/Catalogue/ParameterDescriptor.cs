using System.Collections.Generic;
using System.Linq;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Catalogue;

/// <summary>
/// One argument a schedule may give a component (or a policy's <c>args</c>), named exactly as in Distiller's or
/// PyTorch's constructor.
/// </summary>
/// <param name="Name">The YAML key, e.g. <c>final_sparsity</c>.</param>
/// <param name="Type">What value it takes.</param>
/// <param name="Summary">One sentence for messages and docs.</param>
/// <param name="Required">The constructor has no default for it.</param>
/// <param name="Default">The default as YAML text (<c>"0.1"</c>, <c>"null"</c>, <c>"SYMMETRIC"</c>), when not required.</param>
/// <param name="Nullable">Whether <c>null</c> is a meaningful value (e.g. <c>bits_weights: null</c> = do not quantize).</param>
/// <param name="AllowedValues">For enumerations (group_type, threshold_criteria, mode, clip_acts …) the only valid texts.</param>
/// <param name="Range">Bounds on every number in the value (for lists and maps: every item).</param>
/// <param name="NameKind">Whether the value names model parameters or modules.</param>
/// <param name="AcceptsDefaultKey">For <see cref="NameKind.ParameterNameMap"/>: whether the key <c>'*'</c> sets a default.</param>
/// <param name="EntryParameters">
/// For <see cref="ParameterType.OverrideMap"/>: the arguments each override may set; for <see cref="ParameterType.Map"/>:
/// the keys it accepts (empty = any).
/// </param>
/// <param name="NotSupported">Why this runtime refuses the argument although Distiller has it (null: supported). A
/// schedule that gives it gets DTS037 at compile time and at load time alike.</param>
public sealed record ParameterDescriptor(
    string Name,
    ParameterType Type,
    string Summary,
    bool Required = false,
    string? Default = null,
    bool Nullable = false,
    EquatableArray<string> AllowedValues = default,
    ValueRange? Range = null,
    NameKind NameKind = NameKind.None,
    bool AcceptsDefaultKey = false,
    EquatableArray<ParameterDescriptor> EntryParameters = default,
    string? NotSupported = null)
{
    public ParameterDescriptor? EntryParameter(string name) => EntryParameters.FirstOrDefault(p => p.Name == name);

    public bool IsEnumeration => !AllowedValues.IsEmpty;

    /// <summary>How messages and docs name the expected value: "number", "list of parameter names", …</summary>
    public string TypeDescription => Type switch
    {
        ParameterType.Float => "number",
        ParameterType.Int => "whole number",
        ParameterType.Bool => "true or false",
        ParameterType.String => IsEnumeration ? "one of " + Quoted(AllowedValues) : "string",
        ParameterType.FloatList => "list of numbers",
        ParameterType.IntList => "list of whole numbers",
        ParameterType.StringList => NameKind switch
        {
            NameKind.ParameterNames => "list of parameter names",
            NameKind.ModuleNames => "list of module names",
            _ => "list of strings",
        },
        ParameterType.FloatOrFloatList => "number or list of numbers",
        ParameterType.FloatMap => NameKind == NameKind.ParameterNameMap ? "mapping of parameter names to numbers" : "mapping of names to numbers",
        ParameterType.FloatGroupMap => "mapping of parameter names to [number, group_type] lists",
        ParameterType.OverrideMap => "mapping of module names or regular expressions to per-module arguments",
        ParameterType.QuantMode => "one of " + Quoted(AllowedValues) + ", or a mapping { activations: MODE, weights: MODE }",
        ParameterType.Map => "mapping",
        _ => "any value",
    };

    internal static string Quoted(IEnumerable<string> values) => string.Join(", ", values.Select(v => "'" + v + "'"));
}
