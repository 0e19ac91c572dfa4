using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Distiller.Typed.Catalogue;
using Distiller.Typed.Schedules;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Distiller.Typed.Tests.Catalogue;

/// <summary>
/// docs/distiller-schedule.schema.json is exactly what the catalogue writes, is a JSON Schema a validator (JsonSchema.Net)
/// accepts, accepts every schedule in schedules/ and rejects the mistakes editors should underline.
/// </summary>
public class CatalogueSchemaTests
{
    private static readonly Lazy<JsonSchema> s_schema = new(() => JsonSchema.FromText(CatalogueJsonSchema.Write()));

    private const string Agp = """
        version: 1
        pruners:
          agp:
            class: AutomatedGradualPruner
            initial_sparsity: 0.05
            final_sparsity: 0.5
            weights: [conv1.weight]
        lr_schedulers:
          decay:
            class: MultiStepLR
            milestones: [10, 20]
        policies:
          - pruner:
              instance_name: agp
              args: { keep_mask: true }
            starting_epoch: 0
            ending_epoch: 10
            frequency: 2
          - lr_scheduler:
              instance_name: decay
            epochs: [0, 1, 2]
        """;

    [Fact]
    public void CommittedSchemaMatchesTheCatalogue()
    {
        var path = Path.Combine(TestPaths.RepoRoot, "docs", CatalogueJsonSchema.FileName);
        var expected = CatalogueJsonSchema.Write();
        if (Environment.GetEnvironmentVariable("DISTILLER_TYPED_UPDATE_DOCS") == "1")
            File.WriteAllText(path, expected);
        Assert.True(File.Exists(path), $"docs/{CatalogueJsonSchema.FileName} is missing; run the tests with DISTILLER_TYPED_UPDATE_DOCS=1 to write it");
        var committed = File.ReadAllText(path).Replace("\r\n", "\n");
        Assert.True(committed == expected,
            $"docs/{CatalogueJsonSchema.FileName} differs from CatalogueJsonSchema.Write(); run the tests with DISTILLER_TYPED_UPDATE_DOCS=1 to rewrite it, and review the diff");
    }

    [Fact]
    public void TheSchemaDescribesEveryClassAndEveryArgument()
    {
        using var schema = JsonDocument.Parse(CatalogueJsonSchema.Write());
        var definitions = schema.RootElement.GetProperty("definitions");
        foreach (var component in ComponentCatalogue.All)
        {
            var sectionClasses = definitions.GetProperty("section." + component.Section.YamlKey()).GetProperty("properties").GetProperty("class").GetProperty("enum");
            Assert.Contains(component.ClassName, sectionClasses.EnumerateArray().Select(e => e.GetString()));
            var properties = definitions.GetProperty("class." + component.ClassName).GetProperty("properties");
            foreach (var parameter in component.Parameters)
                Assert.Contains(parameter.Summary, properties.GetProperty(parameter.Name).GetProperty("description").GetString());
        }
    }

    public static TheoryData<string> Schedules() => new(Directory.GetFiles(TestPaths.Schedules, "*.yaml").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Schedules))]
    public void EveryScheduleInTheSchedulesFolderIsValid(string file)
    {
        var result = Validate(File.ReadAllText(Path.Combine(TestPaths.Schedules, file)));
        Assert.True(result.IsValid, file + ":\n" + Describe(result));
    }

    [Fact]
    public void AWellFormedScheduleIsValid() => Assert.True(Validate(Agp).IsValid, Describe(Validate(Agp)));

    [Theory]
    [InlineData("final_sparsity: 0.5", "final_sparsty: 0.5")]                  // misspelt argument
    [InlineData("class: AutomatedGradualPruner", "class: AutomaticGradualPruner")] // unknown class
    [InlineData("final_sparsity: 0.5", "final_sparsity: 1.0")]                 // out of [0, 1)
    [InlineData("weights: [conv1.weight]", "weights: conv1.weight")]            // not a list
    [InlineData("milestones: [10, 20]", "milestones: [10, 2.5]")]              // not whole numbers
    [InlineData("keep_mask: true", "keep_masks: true")]                         // unknown policy arg
    [InlineData("frequency: 2", "frequency: 0")]                               // never runs
    [InlineData("  - lr_scheduler:", "  - lr_schedular:")]                     // unknown policy key
    [InlineData("lr_schedulers:", "lr_schedulerz:")]                           // unknown section
    [InlineData("    initial_sparsity: 0.05\n", "")]                           // required argument missing
    public void MistakesAreInvalid(string correct, string mistake)
    {
        Assert.Contains(correct, Agp);
        var result = Validate(Agp.Replace(correct, mistake));
        Assert.False(result.IsValid, "accepted: " + mistake);
    }

    private static EvaluationResults Validate(string yaml) =>
        s_schema.Value.Evaluate(JsonSerializer.SerializeToElement(ToJson(yaml)), new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static string Describe(EvaluationResults result) => string.Join("\n",
        (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.SchemaLocation}): {e.Key}: {e.Value}")));

    /// <summary>The YAML as the JSON value an editor's YAML language server validates (YAML 1.2 core scalars).</summary>
    private static JsonNode? ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return ToJson(stream.Documents[0].RootNode);
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(e =>
            KeyValuePair.Create(((YamlScalarNode)e.Key).Value!, ToJson(e.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar when scalar.Style is ScalarStyle.Plain => Plain(scalar.Value ?? ""),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new NotSupportedException(node.NodeType.ToString()),
    };

    private static JsonNode? Plain(string text)
    {
        if (text is "" or "~" or "null" or "Null" or "NULL")
            return null;
        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
            return JsonValue.Create(text.Equals("true", StringComparison.OrdinalIgnoreCase));
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
            return JsonValue.Create(whole);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return JsonValue.Create(number);
        return JsonValue.Create(text);
    }
}
