using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Distiller.Typed.Schedules;
using Distiller.Typed.Text;

namespace Distiller.Typed.Catalogue;

/// <summary>
/// Writes docs/distiller-schedule.schema.json (also shipped in the Distiller.Typed package under schemas/) from
/// <see cref="ComponentCatalogue"/>: a JSON Schema (draft-07, what YAML editors read) for the schedule language, so
/// editors complete section, class and argument names and show each one's documentation. Every class with its
/// arguments (types, ranges, allowed values, defaults, docs), the policies with their timing and args. A test fails
/// when the committed file differs. The model-dependent checks (parameter and module names) stay the generator's.
/// </summary>
public static class CatalogueJsonSchema
{
    public const string FileName = "distiller-schedule.schema.json";

    /// <summary>The policy keys that say when a policy runs (distiller/policy.py's PolicyLoss timing).</summary>
    private static readonly (string Key, object Schema)[] Timing =
    {
        ("starting_epoch", Described(new JsonMap().Set("type", "integer").Set("minimum", 0), "First epoch the policy runs in.")),
        ("ending_epoch", Described(new JsonMap().Set("type", "integer").Set("minimum", 0), "Epoch the policy stops before (exclusive).")),
        ("frequency", Described(new JsonMap().Set("type", "integer").Set("minimum", 1), "Run every this many epochs from starting_epoch.")),
        ("epochs", Described(new JsonMap().Set("type", "array").Set("items", new JsonMap().Set("type", "integer").Set("minimum", 0)),
            "The exact epochs the policy runs in, instead of starting_epoch/ending_epoch/frequency.")),
    };

    public static string Write() => JsonText.Write(Schema());

    private static JsonMap Schema()
    {
        var properties = new JsonMap()
            .Set("version", Described(new JsonMap().Set("const", 1), "Schedule format version (only 1)."))
            .Set("model", Described(new JsonMap().Set("type", "string"),
                "The [CompressibleModel] class this schedule is for; without it, the item's Model metadata or the file name's first dotted segment."));
        foreach (var section in ScheduleSections.All)
        {
            properties.Set(section.YamlKey(), Described(
                new JsonMap().Set("type", new[] { "object", "null" }).Set("additionalProperties", Ref("section." + section.YamlKey())),
                $"Instances of {section.YamlKey()}: each key is an instance name that policies refer to, with its class and arguments."));
        }
        properties.Set("policies", Described(
            new JsonMap().Set("type", new[] { "array", "null" }).Set("items", Ref("policy")),
            "When each instance runs: one list item per policy, naming the instance and its epochs."));

        var definitions = new JsonMap();
        foreach (var section in ScheduleSections.All)
            definitions.Set("section." + section.YamlKey(), Section(section));
        foreach (var component in ComponentCatalogue.All)
            definitions.Set("class." + component.ClassName, Component(component));
        definitions.Set("policy", Policy());
        foreach (var section in ScheduleSections.All)
            definitions.Set("policy." + section.PolicyKey(), PolicyInstance(section));

        return new JsonMap()
            .Set("$schema", "http://json-schema.org/draft-07/schema#")
            .Set("title", "Distiller compression schedule")
            .Set("description", "A Distiller-format compression schedule as Distiller.Typed checks it (generated from its component catalogue by CatalogueJsonSchema; every class is in docs/catalogue.md).")
            .Set("type", "object")
            .Set("properties", properties)
            .Set("additionalProperties", false)
            .Set("definitions", definitions);
    }

    private static JsonMap Section(ScheduleSection section)
    {
        var components = ComponentCatalogue.InSection(section).ToList();
        if (components.Count == 0)
        {
            var unsupported = ComponentCatalogue.Unsupported.Where(u => u.Section == section).Select(u => u.ClassName).ToList();
            return Described(new JsonMap().Set("not", new JsonMap()),
                $"This runtime supports no {section.YamlKey()} yet" + (unsupported.Count > 0 ? $" (not yet: {string.Join(", ", unsupported)})." : "."));
        }
        var classProperty = Described(new JsonMap().Set("enum", components.Select(c => c.ClassName).ToList()),
            $"The class of this instance; one of the {section.YamlKey()} in docs/catalogue.md.");
        return new JsonMap()
            .Set("type", "object")
            .Set("required", new[] { "class" })
            .Set("properties", new JsonMap().Set("class", classProperty))
            .Set("allOf", components.Select(c => (object)new JsonMap()
                .Set("if", new JsonMap().Set("properties", new JsonMap().Set("class", new JsonMap().Set("const", c.ClassName))).Set("required", new[] { "class" }))
                .Set("then", Ref("class." + c.ClassName))).ToList());
    }

    private static JsonMap Component(ComponentDescriptor component)
    {
        var properties = new JsonMap().Set("class", Described(new JsonMap().Set("const", component.ClassName), ComponentDoc(component)));
        foreach (var parameter in component.Parameters)
            properties.Set(parameter.Name, Parameter(parameter));
        var schema = Described(new JsonMap(), ComponentDoc(component))
            .Set("type", "object")
            .Set("properties", properties)
            .Set("additionalProperties", false);
        var required = component.Parameters.Where(p => p.Required).Select(p => p.Name).ToList();
        if (required.Count > 0)
            schema.Set("required", required);
        var choices = component.Choices.Select(Choice).ToList();
        if (choices.Count > 0)
            schema.Set("allOf", choices);
        return schema;
    }

    /// <summary>At most one of the names (exactly one when the choice is required).</summary>
    private static object Choice(ParameterChoice choice)
    {
        var each = choice.Names.Select(n => (object)new JsonMap().Set("required", new[] { n })).ToList();
        if (!choice.Required)
            each.Add(new JsonMap().Set("not", new JsonMap().Set("anyOf", each.ToList())));
        return new JsonMap().Set("oneOf", each);
    }

    private static string ComponentDoc(ComponentDescriptor component)
    {
        var doc = component.Summary;
        if (component.NeedsOptimizer)
            doc += " Needs the optimizer.";
        if (component.PostTrainingOnly)
            doc += " Post-training only (no policy).";
        if (component.UsesAgpSchedule)
            doc += " Follows the AGP schedule over its policy's epochs.";
        return component.Source.Length > 0 ? doc + " Source: " + component.Source + "." : doc;
    }

    private static JsonMap Parameter(ParameterDescriptor parameter)
    {
        var value = Value(parameter);
        var schema = parameter.Nullable
            ? new JsonMap().Set("anyOf", new object[] { new JsonMap().Set("type", "null"), value })
            : value;
        var doc = parameter.Summary + " (" + parameter.TypeDescription + (parameter.Range is { } range ? ", " + range : "") + ")";
        Described(schema, parameter.Required ? doc + " Required." : doc);
        if (!parameter.Required && parameter.Default is { } text)
            schema.Set("default", YamlScalar(text, parameter.Type));
        return schema;
    }

    private static JsonMap Value(ParameterDescriptor p)
    {
        JsonMap Number(string type) => Bounded(new JsonMap().Set("type", type), p.Range);
        JsonMap Enumeration() => new JsonMap().Set("enum", p.AllowedValues.Select(v => YamlScalar(v, p.Type)).ToList());
        JsonMap ArrayOf(JsonMap items) => new JsonMap().Set("type", "array").Set("items", items);
        JsonMap MapOf(JsonMap values) => new JsonMap().Set("type", "object").Set("additionalProperties", values);
        JsonMap Entries() => new JsonMap().Set("type", "object")
            .Set("properties", p.EntryParameters.Aggregate(new JsonMap(), (map, entry) => map.Set(entry.Name, Parameter(entry))))
            .Set("additionalProperties", false);

        return p.Type switch
        {
            ParameterType.Float => Number("number"),
            ParameterType.Int => p.IsEnumeration ? Enumeration() : Number("integer"),
            ParameterType.Bool => new JsonMap().Set("type", "boolean"),
            ParameterType.String => p.IsEnumeration ? Enumeration() : new JsonMap().Set("type", "string"),
            ParameterType.FloatList => ArrayOf(Number("number")),
            ParameterType.IntList => ArrayOf(Number("integer")),
            ParameterType.StringList => ArrayOf(p.IsEnumeration ? Enumeration() : new JsonMap().Set("type", "string")),
            ParameterType.FloatOrFloatList => new JsonMap().Set("anyOf", new object[] { Number("number"), ArrayOf(Number("number")) }),
            ParameterType.FloatMap => MapOf(Number("number")),
            ParameterType.FloatGroupMap => MapOf(new JsonMap().Set("type", "array")
                .Set("items", new object[] { Number("number"), Enumeration() }).Set("minItems", 2).Set("maxItems", 2)),
            ParameterType.OverrideMap => MapOf(Entries()),
            ParameterType.QuantMode => new JsonMap().Set("anyOf", new object[]
            {
                Enumeration(),
                new JsonMap().Set("type", "object")
                    .Set("properties", new JsonMap().Set("activations", Enumeration()).Set("weights", Enumeration()))
                    .Set("additionalProperties", false),
            }),
            ParameterType.Map => p.EntryParameters.IsEmpty ? new JsonMap().Set("type", "object") : Entries(),
            _ => new JsonMap(),
        };
    }

    private static JsonMap Policy()
    {
        var properties = new JsonMap();
        foreach (var section in ScheduleSections.All)
            properties.Set(section.PolicyKey(), Ref("policy." + section.PolicyKey()));
        foreach (var (key, schema) in Timing)
            properties.Set(key, schema);
        return Described(new JsonMap(), "One policy: the instance it runs (exactly one of " +
                string.Join(", ", ScheduleSections.All.Select(s => s.PolicyKey())) + ") and when.")
            .Set("type", "object")
            .Set("properties", properties)
            .Set("additionalProperties", false)
            .Set("oneOf", ScheduleSections.All.Select(s => (object)new JsonMap().Set("required", new[] { s.PolicyKey() })).ToList());
    }

    private static JsonMap PolicyInstance(ScheduleSection section)
    {
        var arguments = ComponentCatalogue.PolicyArguments(section);
        var args = arguments.IsEmpty
            ? Described(new JsonMap().Set("type", new[] { "object", "null" }).Set("maxProperties", 0), $"{section.PolicyKey()} policies take no args.")
            : Described(new JsonMap().Set("type", new[] { "object", "null" })
                    .Set("properties", arguments.Aggregate(new JsonMap(), (map, p) => map.Set(p.Name, Parameter(p))))
                    .Set("additionalProperties", false),
                $"Arguments of the {section.PolicyKey()} policy.");
        var properties = new JsonMap()
            .Set("instance_name", Described(new JsonMap().Set("type", "string"), $"The name of an instance declared under {section.YamlKey()}."))
            .Set("args", args);
        // Distiller's reference quantization example nests the timing keys here; the reader accepts them.
        foreach (var (key, schema) in Timing)
            properties.Set(key, schema);
        return new JsonMap()
            .Set("type", "object")
            .Set("required", new[] { "instance_name" })
            .Set("properties", properties)
            .Set("additionalProperties", false);
    }

    private static JsonMap Bounded(JsonMap schema, ValueRange? range)
    {
        if (range?.Min is { } min)
            schema.Set(range.MinInclusive ? "minimum" : "exclusiveMinimum", min);
        if (range?.Max is { } max)
            schema.Set(range.MaxInclusive ? "maximum" : "exclusiveMaximum", max);
        return schema;
    }

    private static JsonMap Described(JsonMap schema, string description) => schema.Set("description", description);

    private static JsonMap Ref(string definition) => new JsonMap().Set("$ref", "#/definitions/" + definition);

    /// <summary>A catalogue default or allowed value (YAML text) as the JSON value a YAML reader gives for it.</summary>
    private static object? YamlScalar(string text, ParameterType type)
    {
        if (text == "null")
            return null;
        if (text is "true" or "false")
            return text == "true";
        if (type is ParameterType.String or ParameterType.StringList or ParameterType.QuantMode or ParameterType.FloatGroupMap)
            return text;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole))
            return whole;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return number;
        return text;
    }
}
