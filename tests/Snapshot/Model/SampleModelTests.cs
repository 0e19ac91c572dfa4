using System.Text.RegularExpressions;
using Distiller.Typed.Generators.Model;
using Distiller.Typed.Snapshot.Tests.Generator;
using Distiller.Typed.Snapshot.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Distiller.Typed.Snapshot.Tests.Model;

/// <summary>
/// The ResNetPrune sample's own models (samples/ResNetPrune/Models, read from the repository at test time): every
/// layer lives in the abstract base <c>ResNetCifar</c>, the stages are built by a helper that fills an array of
/// <c>(name, module)</c> tuples and hands it to <c>Sequential(stage)</c>, and the <c>[CompressibleModel]</c> classes
/// declare nothing of their own. Expected names are Distiller's resnet20_cifar names, read off the two source files
/// by hand: <c>conv1</c> is <c>Conv3x3</c> = <c>Conv2d(…, bias: false)</c>, so it has no bias; each
/// <c>BasicBlock</c> has conv1/bn1/conv2/bn2 and, for a block that changes width or stride, <c>downsample</c> =
/// (<c>"0"</c>: 1×1 conv without bias, <c>"1"</c>: batch norm).
/// </summary>
public sealed class SampleModelTests
{
    private static readonly string[] BlockParameters =
    [
        "conv1.weight", "bn1.weight", "bn1.bias", "conv2.weight", "bn2.weight", "bn2.bias",
        "downsample.0.weight", "downsample.1.weight", "downsample.1.bias",
    ];

    /// <summary>RegisterComponents() order: ResNetCifar's fields conv1, bn1, relu, layer1..3, avgpool, fc.</summary>
    private static readonly string[] ResNet20Parameters =
    [
        "conv1.weight", "bn1.weight", "bn1.bias",
        .. new[] { "layer1", "layer2", "layer3" }.SelectMany(stage => BlockParameters.Select(p => $"{stage}.<index>.{p}")),
        "fc.weight", "fc.bias",
    ];

    [Fact]
    public void ResNet20_gets_the_names_of_its_base_class_layers()
    {
        var shape = Parse("ResNet20");

        Assert.Equal(ResNet20Parameters, shape.Parameters.Select(p => p.Name));
        Assert.True(shape.IsClosed, "open: " + string.Join(", ", shape.OpenPrefixes));
        Assert.Equal(4, shape.Parameters.Single(p => p.Name == "layer2.<index>.downsample.0.weight").Rank);
        Assert.Contains(shape.Modules, m => m.Name == "layer1.<index>" && m.TypeName == "BasicBlock");

        // `downsample` is assigned under `if (stride != 1 || inPlanes != planes)`: a name of some blocks only.
        Assert.All(shape.Parameters, p => Assert.Equal(p.Name.Contains(".downsample.", StringComparison.Ordinal), p.IsConditional));
        SnapshotAssert.Verify("ModelShapes", "ResNetPrune.ResNet20", ModelShapeTests.Describe(shape));
    }

    [Theory]
    [InlineData("ResNet32")]
    [InlineData("ResNet56")]
    [InlineData("ResNet20Narrow")]
    public void Every_sample_architecture_has_the_same_names(string model)
    {
        // Depth and width are constructor arguments of the base: the names differ only in the block index.
        var shape = Parse(model);
        Assert.Equal(ResNet20Parameters, shape.Parameters.Select(p => p.Name));
        Assert.True(shape.IsClosed);
    }

    [Fact]
    public void A_misspelled_layer_name_in_a_schedule_for_the_sample_is_a_compile_error()
    {
        const string schedule = """
            version: 1
            pruners:
              conv_pruner:
                class: AutomatedGradualPruner
                initial_sparsity: 0.05
                final_sparsity: 0.5
                weights: [layer1.0.conv1.wieght, layer2.0.downsample.0.weight, layer3.2.conv2.weight]
            policies:
              - pruner:
                  instance_name: conv_pruner
                starting_epoch: 0
                ending_epoch: 30
                frequency: 2
            """;
        var run = GeneratorRun.Of(TestModels.ResNetPruneSources, new ScheduleText("/project/schedules/resnet20.sample_typo.yaml", schedule));

        // Line 7 is the weights list; 'layer1.0.conv1.wieght' starts after "    weights: [" (14 characters), column 15.
        var error = Assert.Single(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(
            "resnet20.sample_typo.yaml(7,15): error DTS101: 'layer1.0.conv1.wieght' is not a parameter of ResNet20; did you mean 'layer1.0.conv1.weight'",
            GeneratorHarness.Describe([error]).Split(" or ")[0].TrimEnd('?', '\n'));
        Assert.Empty(run.CompilerProblems);
    }

    [Fact]
    public void A_correct_schedule_for_the_sample_compiles_without_findings()
    {
        const string schedule = """
            version: 1
            pruners:
              conv_pruner:
                class: AutomatedGradualPruner
                initial_sparsity: 0.05
                final_sparsity: 0.5
                weights: [layer1.0.conv1.weight, layer2.0.downsample.0.weight, layer3.2.conv2.weight]
            policies:
              - pruner:
                  instance_name: conv_pruner
                starting_epoch: 0
                ending_epoch: 30
                frequency: 2
            """;
        var run = GeneratorRun.Of(TestModels.ResNetPruneSources, new ScheduleText("/project/schedules/resnet20.sample_ok.yaml", schedule));

        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        Assert.Empty(run.CompilerProblems);
    }

    [Fact]
    public void The_names_are_those_TorchSharp_registers_for_the_built_model()
    {
        // Build the sample's ResNet20 from the same sources and ask TorchSharp. Its layer1 blocks keep width and
        // stride, so they have no downsample; layer2.0 and layer3.0 do.
        var compilation = TestCompilation.Create(TestModels.ResNetPruneSources.ToArray());
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        stream.Position = 0;
        var context = new System.Runtime.Loader.AssemblyLoadContext(null, isCollectible: true);
        var type = context.LoadFromStream(stream).GetType("Distiller.Typed.Samples.ResNetPrune.Models.ResNet20", throwOnError: true)!;
        using var model = (TorchSharp.torch.nn.Module)Activator.CreateInstance(type)!;
        var actual = model.named_parameters().Select(p => p.name).ToList();

        Assert.Contains("layer2.0.downsample.0.weight", actual);
        Assert.DoesNotContain("layer1.0.downsample.0.weight", actual);
        Assert.Equal(3 + 3 * 3 * 6 + 2 * 3 + 2, actual.Count); // stem 3, 9 blocks × 6, 2 downsamples × 3, fc 2

        // Every registered name is known to the generator, in the same order once the block index is a wildcard.
        var collapsed = actual.Select(n => Regex.Replace(n, @"^(layer\d)\.\d+\.", "$1.<index>.")).Distinct().ToList();
        var shape = Parse("ResNet20");
        Assert.Equal(collapsed, shape.Parameters.Select(p => p.Name).Where(collapsed.Contains));

        // And the generator's names the model lacks are only the conditional layer1 downsample ones.
        Assert.Equal(
            new[] { "layer1.<index>.downsample.0.weight", "layer1.<index>.downsample.1.weight", "layer1.<index>.downsample.1.bias" },
            shape.Parameters.Where(p => !collapsed.Contains(p.Name)).Select(p => p.IsConditional ? p.Name : "(unconditional) " + p.Name));
    }

    private static ModelShape Parse(string className)
    {
        var compilation = TestCompilation.Create(TestModels.ResNetPruneSources.ToArray());
        Assert.Empty(TestCompilation.Problems(compilation));
        var type = compilation.GetSymbolsWithName(className, SymbolFilter.Type).OfType<INamedTypeSymbol>().Single();
        return ModelShapeParser.Parse(type, compilation, CancellationToken.None);
    }
}
