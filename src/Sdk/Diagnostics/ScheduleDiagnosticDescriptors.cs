using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace Distiller.Typed.Diagnostics;

/// <summary>
/// Every finding the schedule language reports without a model, by stable id. DTS001–DTS019: reading the
/// YAML into a document; DTS020–DTS099: model-free validation against the component catalogue (in the partial file
/// ScheduleDiagnosticDescriptors.Validation.cs). The generator's
/// model-bound findings use DTS100–DTS199 and live in its own table.
/// </summary>
public static partial class ScheduleDiagnosticDescriptors
{
    private const string Syntax = "Distiller.Schedule.Syntax";
    private const string Structure = "Distiller.Schedule.Structure";

    public static readonly ScheduleDiagnosticDescriptor YamlSyntaxError = new(
        "DTS001", "YAML syntax error", "YAML syntax error: {0}", ScheduleDiagnosticSeverity.Error, Syntax);

    public static readonly ScheduleDiagnosticDescriptor UnknownSection = new(
        "DTS002", "Unknown schedule section", "Unknown section '{0}'{1}; valid sections are {2}", ScheduleDiagnosticSeverity.Error, Structure);

    public static readonly ScheduleDiagnosticDescriptor WrongShape = new(
        "DTS003", "Wrong YAML shape", "{0} must be a {1}, but is a {2}", ScheduleDiagnosticSeverity.Error, Structure);

    public static readonly ScheduleDiagnosticDescriptor DuplicateKey = new(
        "DTS004", "Duplicate key", "Duplicate key '{0}'; it is already defined at line {1}", ScheduleDiagnosticSeverity.Error, Structure);

    public static readonly ScheduleDiagnosticDescriptor AliasExpansionLimit = new(
        "DTS005", "YAML aliases expand too far", "YAML aliases expand to more than {0} nodes; the schedule is not read further", ScheduleDiagnosticSeverity.Error, Syntax);

    public static readonly ScheduleDiagnosticDescriptor MissingClass = new(
        "DTS006", "Component without class", "'{0}' in '{1}' has no 'class' key; add 'class: <ClassName>'", ScheduleDiagnosticSeverity.Error, Structure);

    public static readonly ScheduleDiagnosticDescriptor PolicyWithoutInstance = new(
        "DTS007", "Policy names no instance", "A policy must name exactly one of {0}; this one names {1}", ScheduleDiagnosticSeverity.Error, Structure);

    public static readonly ScheduleDiagnosticDescriptor MissingInstanceName = new(
        "DTS008", "Policy without instance_name", "The policy's '{0}' has no 'instance_name'", ScheduleDiagnosticSeverity.Error, Structure);

    public static readonly ScheduleDiagnosticDescriptor UnknownPolicyKey = new(
        "DTS009", "Unknown policy key", "Unknown policy key '{0}'{1}; valid keys are {2}", ScheduleDiagnosticSeverity.Error, Structure);

    public static readonly ScheduleDiagnosticDescriptor UnsupportedVersion = new(
        "DTS010", "Unsupported schedule version", "Schedule version '{0}' is not 1, the only version of the schedule language; it is read as version 1", ScheduleDiagnosticSeverity.Warning, Structure);

    public static readonly ScheduleDiagnosticDescriptor MultipleDocuments = new(
        "DTS011", "Several YAML documents", "A schedule file holds one YAML document; everything after the first '---' document is ignored", ScheduleDiagnosticSeverity.Error, Structure);

    public static readonly ScheduleDiagnosticDescriptor UnknownInstanceKey = new(
        "DTS012", "Unknown key in a policy's instance", "Unknown key '{0}' under the policy's '{1}'{2}; valid keys are {3}", ScheduleDiagnosticSeverity.Error, Structure);

    public static readonly ScheduleDiagnosticDescriptor NonScalarKey = new(
        "DTS013", "Complex mapping key", "Mapping keys must be plain names or strings; a {0} key is not allowed here", ScheduleDiagnosticSeverity.Error, Structure);

    public static readonly ScheduleDiagnosticDescriptor NestingTooDeep = new(
        "DTS015", "YAML nested too deeply", "YAML nesting deeper than {0} levels; the schedule is not read further", ScheduleDiagnosticSeverity.Error, Syntax);

    public static readonly ScheduleDiagnosticDescriptor UnreadableFile = new(
        "DTS016", "Schedule file cannot be read", "The schedule file cannot be read: {0}", ScheduleDiagnosticSeverity.Error, Syntax);

    public static readonly ScheduleDiagnosticDescriptor NestedTiming = new(
        "DTS019", "Timing nested under the instance", "The timing ({0}) is nested under the policy's '{1}', as the reference document's quantization example prints it; it is read as the policy's timing here, but Distiller itself reads the timing only from the policy entry and stops with a KeyError, so move it one level up to keep the schedule portable", ScheduleDiagnosticSeverity.Info, Structure);

    public static readonly ScheduleDiagnosticDescriptor DocumentTooLarge = new(
        "DTS017", "YAML document too large", "The schedule has more than {0} YAML nodes; it is not read further (a schedule names at most a few thousand parameters)", ScheduleDiagnosticSeverity.Error, Syntax);

    private static readonly Lazy<IReadOnlyList<ScheduleDiagnosticDescriptor>> s_all = new(() =>
        typeof(ScheduleDiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(ScheduleDiagnosticDescriptor))
            .Select(f => (ScheduleDiagnosticDescriptor)f.GetValue(null)!)
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .ToList());

    private static readonly Lazy<Dictionary<string, ScheduleDiagnosticDescriptor>> s_byId = new(() => All.ToDictionary(d => d.Id));

    /// <summary>Every descriptor of the schedule language (all partial files of this class), in id order.</summary>
    public static IReadOnlyList<ScheduleDiagnosticDescriptor> All => s_all.Value;

    public static ScheduleDiagnosticDescriptor Find(string id) =>
        s_byId.Value.TryGetValue(id, out var descriptor)
            ? descriptor
            : throw new ArgumentException($"No schedule diagnostic has the id '{id}'.", nameof(id));
}
