using System;
using System.Collections.Generic;
using System.Linq;
using Distiller.Typed.Catalogue;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;
using Distiller.Typed.Text;

namespace Distiller.Typed.Validation;

/// <summary>
/// Checks one argument's value against its <see cref="ParameterDescriptor"/>: its YAML shape and scalar type,
/// every number against the range, every enumeration value against the allowed values — recursing into lists,
/// maps and quantizer overrides. Each finding points at the innermost node at fault.
/// </summary>
internal static class ValueChecks
{
    /// <summary>
    /// The quantization-mode spellings of Distiller's --qe-mode option (range_linear.py); YAML takes the
    /// LinearQuantMode names instead.
    /// </summary>
    private static readonly Dictionary<string, string> CommandLineSpellings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sym"] = "SYMMETRIC",
        ["sym_restr"] = "SYMMETRIC_RESTRICTED",
        ["asym_s"] = "ASYMMETRIC_SIGNED",
        ["asym_u"] = "ASYMMETRIC_UNSIGNED",
    };

    public static void Check(ValidationContext context, string what, string owner, ScheduleValue value, ParameterDescriptor parameter)
    {
        if (value is ScalarValue { IsNull: true })
        {
            if (!parameter.Nullable && parameter.Type != ParameterType.Any)
                WrongType(context, what, owner, parameter.TypeDescription, value);
            return;
        }
        switch (parameter.Type)
        {
            case ParameterType.Float:
                CheckNumber(context, what, owner, value, parameter);
                break;
            case ParameterType.Int:
                CheckInteger(context, what, owner, value, parameter);
                break;
            case ParameterType.Bool:
                if (value is not ScalarValue boolean || !boolean.TryGetBoolean(out _))
                    WrongType(context, what, owner, "true or false", value);
                break;
            case ParameterType.String:
                CheckString(context, what, owner, value, parameter);
                break;
            case ParameterType.FloatList:
            case ParameterType.IntList:
            case ParameterType.StringList:
                CheckList(context, what, owner, value, parameter);
                break;
            case ParameterType.FloatOrFloatList:
                if (value is SequenceValue)
                    CheckList(context, what, owner, value, parameter with { Type = ParameterType.FloatList });
                else
                    CheckNumber(context, what, owner, value, parameter, "number or list of numbers");
                break;
            case ParameterType.FloatMap:
                if (Mapping(context, what, owner, value, parameter) is { } numbers)
                {
                    foreach (var entry in numbers.Entries)
                        CheckNumber(context, $"{what}['{entry.Key.Text}']", owner, entry.Value, parameter);
                }
                break;
            case ParameterType.FloatGroupMap:
                if (Mapping(context, what, owner, value, parameter) is { } groups)
                {
                    foreach (var entry in groups.Entries)
                        CheckNumberAndGroup(context, $"{what}['{entry.Key.Text}']", owner, entry.Value, parameter);
                }
                break;
            case ParameterType.OverrideMap:
                if (Mapping(context, what, owner, value, parameter) is { } overrides)
                    OverrideChecks.Check(context, owner, overrides, parameter);
                break;
            case ParameterType.QuantMode:
                CheckQuantMode(context, what, owner, value, parameter);
                break;
            case ParameterType.Map:
                if (Mapping(context, what, owner, value, parameter) is { } map && !parameter.EntryParameters.IsEmpty)
                    ArgumentChecks.CheckEntries(context, Subject(what, owner), map.Entries, parameter.EntryParameters);
                break;
        }
    }

    private static void CheckNumber(ValidationContext context, string what, string owner, ScheduleValue value, ParameterDescriptor parameter, string expected = "number")
    {
        if (value is not ScalarValue scalar || !scalar.TryGetDouble(out var number))
        {
            WrongType(context, what, owner, expected, value);
            return;
        }
        CheckRange(context, what, owner, scalar, number, parameter);
    }

    private static void CheckInteger(ValidationContext context, string what, string owner, ScheduleValue value, ParameterDescriptor parameter)
    {
        if (value is not ScalarValue scalar || !scalar.TryGetInt32(out var number))
        {
            WrongType(context, what, owner, "whole number", value);
            return;
        }
        if (parameter.IsEnumeration)
            CheckAllowed(context, what, owner, scalar, parameter);
        else
            CheckRange(context, what, owner, scalar, number, parameter);
    }

    private static void CheckString(ValidationContext context, string what, string owner, ScheduleValue value, ParameterDescriptor parameter)
    {
        if (value is not ScalarValue scalar)
        {
            WrongType(context, what, owner, parameter.TypeDescription, value);
            return;
        }
        if (parameter.IsEnumeration)
            CheckAllowed(context, what, owner, scalar, parameter);
    }

    private static void CheckList(ValidationContext context, string what, string owner, ScheduleValue value, ParameterDescriptor parameter)
    {
        if (value is not SequenceValue list)
        {
            WrongType(context, what, owner, parameter.TypeDescription, value);
            return;
        }
        var itemType = parameter.Type switch
        {
            ParameterType.IntList => ParameterType.Int,
            ParameterType.StringList => ParameterType.String,
            _ => ParameterType.Float,
        };
        var item = parameter with { Type = itemType, Nullable = false };
        for (int i = 0; i < list.Items.Count; i++)
            Check(context, $"{what}[{i}]", owner, list.Items[i], item);
    }

    private static void CheckNumberAndGroup(ValidationContext context, string what, string owner, ScheduleValue value, ParameterDescriptor parameter)
    {
        if (value is not SequenceValue pair)
        {
            WrongType(context, what, owner, "[number, group_type] list", value);
            return;
        }
        if (pair.Items.Count != 2)
        {
            context.Report(ScheduleDiagnosticDescriptors.WrongListLength, pair.Span, Subject(what + " ([number, group_type])", owner), 2, pair.Items.Count);
            return;
        }
        CheckNumber(context, what + "[0]", owner, pair.Items[0], parameter);
        CheckString(context, what + "[1]", owner, pair.Items[1], parameter with { Type = ParameterType.String, Range = null });
    }

    private static void CheckQuantMode(ValidationContext context, string what, string owner, ScheduleValue value, ParameterDescriptor parameter)
    {
        var single = parameter with { Type = ParameterType.String };
        if (value is ScalarValue scalar)
        {
            CheckAllowed(context, what, owner, scalar, single);
            return;
        }
        if (value is not MappingValue perTensor)
        {
            WrongType(context, what, owner, parameter.TypeDescription, value);
            return;
        }
        var keys = new[]
        {
            single with { Name = "activations", Summary = "Mode for activations.", Required = true, Default = null },
            single with { Name = "weights", Summary = "Mode for weights.", Required = true, Default = null },
        }.ToEquatableArray();
        ArgumentChecks.CheckEntries(context, Subject(what, owner), perTensor.Entries, keys, reportMissingAt: perTensor.Span);
    }

    private static MappingValue? Mapping(ValidationContext context, string what, string owner, ScheduleValue value, ParameterDescriptor parameter)
    {
        if (value is MappingValue mapping)
            return mapping;
        WrongType(context, what, owner, parameter.TypeDescription, value);
        return null;
    }

    private static void CheckRange(ValidationContext context, string what, string owner, ScalarValue scalar, double number, ParameterDescriptor parameter)
    {
        if (parameter.Range is { } range && !range.Contains(number))
            context.Report(ScheduleDiagnosticDescriptors.ValueOutOfRange, scalar.Span, Subject(what, owner), scalar.Text, range.ToString());
    }

    private static void CheckAllowed(ValidationContext context, string what, string owner, ScalarValue scalar, ParameterDescriptor parameter)
    {
        foreach (var allowed in parameter.AllowedValues)
        {
            if (allowed == scalar.Text)
                return;
        }
        var suggestion = CommandLineSpellings.TryGetValue(scalar.Text, out var yamlName) && parameter.AllowedValues.Contains(yamlName)
            ? $"; did you mean '{yamlName}' (Distiller's command line spells it '{scalar.Text}')?"
            : NearestNames.DidYouMean(scalar.Text, parameter.AllowedValues);
        context.Report(ScheduleDiagnosticDescriptors.ValueNotAllowed, scalar.Span, Subject(what, owner), scalar.Text,
            suggestion, ValidationContext.Quoted(parameter.AllowedValues));
    }

    public static void WrongType(ValidationContext context, string what, string owner, string expected, ScheduleValue value)
    {
        string found = value is ScalarValue scalar ? scalar.Kind : value.Shape;
        string text = value is ScalarValue { IsNull: false } s ? $" ('{s.Text}')" : "";
        context.Report(ScheduleDiagnosticDescriptors.WrongArgumentType, value.Span, Subject(what, owner), expected, found, text);
    }

    /// <summary>"'weights'[1] of 'p' (AutomatedGradualPruner)": the value's path, then whose argument it is.</summary>
    public static string Subject(string what, string owner) => owner.Length == 0 ? what : what + " of " + owner;
}
