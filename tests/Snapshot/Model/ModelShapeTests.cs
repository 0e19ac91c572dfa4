using System.Text;
using Distiller.Typed.Generators.Model;
using Distiller.Typed.Snapshot.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Distiller.Typed.Snapshot.Tests.Model;

/// <summary>The names <see cref="ModelShapeParser"/> extracts, snapshotted per model. Expected names are those
/// TorchSharp's <c>named_parameters()</c> gives for the same module (torchvision's AlexNet indices
/// <c>features.0/3/6/8/10</c>, <c>classifier.1/4/6</c>; Distiller's resnet20_cifar
/// <c>layer1.0.conv1.weight</c>).</summary>
public sealed class ModelShapeTests
{
    [Theory]
    [InlineData("AlexNet")]
    [InlineData("ResNet20")]
    [InlineData("TextClassifier")]
    public void Extracts_the_names_TorchSharp_registers(string model)
    {
        var shape = Parse(TestPaths.TestModel(model + ".cs"), model);
        SnapshotAssert.Verify("ModelShapes", model, Describe(shape));
    }

    [Fact]
    public void AlexNet_has_exactly_the_torchvision_parameters()
    {
        var shape = Parse(TestPaths.TestModel("AlexNet.cs"), "AlexNet");

        // Five convolutions and three linear layers, each with weight and bias: 16 parameters.
        var expected = new[] { 0, 3, 6, 8, 10 }.SelectMany(i => new[] { $"features.{i}.weight", $"features.{i}.bias" })
            .Concat(new[] { 1, 4, 6 }.SelectMany(i => new[] { $"classifier.{i}.weight", $"classifier.{i}.bias" }));
        Assert.Equal(expected.Order(), shape.Parameters.Select(p => p.Name).Order());
        Assert.True(shape.IsClosed);
        Assert.Equal(4, shape.Parameters.Single(p => p.Name == "features.0.weight").Rank);
        Assert.Equal(2, shape.Parameters.Single(p => p.Name == "classifier.6.weight").Rank);
    }

    [Fact]
    public void ResNet_blocks_appended_in_a_loop_get_an_index_wildcard_and_bias_false_is_honoured()
    {
        var shape = Parse(TestPaths.TestModel("ResNet20.cs"), "ResNet20");
        var names = shape.Parameters.Select(p => p.Name).ToHashSet();

        Assert.Contains("layer1.<index>.conv1.weight", names);
        Assert.Contains("layer2.<index>.downsample.0.weight", names);
        Assert.DoesNotContain("conv1.bias", names);
        Assert.DoesNotContain("layer1.<index>.conv1.bias", names);
        Assert.Contains("bn1.bias", names);
        Assert.Contains("fc.bias", names);
        Assert.True(shape.IsClosed);
    }

    [Fact]
    public void Straight_line_appends_in_the_constructor_keep_their_indices()
    {
        const string source = """
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;
            [Distiller.Typed.CompressibleModel]
            public sealed class Net : Module<Tensor, Tensor>
            {
                private readonly Sequential body = Sequential();
                public Net() : base("Net")
                {
                    body.append(Linear(4, 4));
                    body.append(ReLU());
                    body.append("out", Linear(4, 2, hasBias: false));
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x) => body.call(x);
            }
            """;
        var shape = Parse(source, "Net");
        Assert.Equal(
            new[] { "body.0.weight", "body.0.bias", "body.out.weight" },
            shape.Parameters.Select(p => p.Name));
        Assert.Equal(
            new[] { "body", "body.0", "body.1", "body.out" },
            shape.Modules.Select(m => m.Name));
    }

    [Fact]
    public void A_container_handed_to_another_class_is_open()
    {
        const string source = """
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;
            public static class Filler { public static void Fill(Sequential s) => s.append(Linear(1, 1)); }
            [Distiller.Typed.CompressibleModel]
            public sealed class Net : Module<Tensor, Tensor>
            {
                private readonly Sequential body = Sequential();
                public Net() : base("Net")
                {
                    Filler.Fill(body);
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x) => body.call(x);
            }
            """;
        var shape = Parse(source, "Net");
        Assert.Equal(new[] { "body" }, shape.OpenPrefixes);
        Assert.Empty(shape.Parameters);
    }

    [Fact]
    public void Auto_property_modules_get_the_backing_field_name_TorchSharp_registers()
    {
        // Observed from TorchSharp 0.107.0: `public Linear Fc { get; } = Linear(2, 2)` with RegisterComponents()
        // gives named_parameters() "<Fc>k__BackingField.weight" and "<Fc>k__BackingField.bias".
        const string source = """
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;
            [Distiller.Typed.CompressibleModel]
            public sealed class Net : Module<Tensor, Tensor>
            {
                public Linear Fc { get; } = Linear(2, 2);
                public Linear Head { get; }
                public Net() : base("Net") { Head = Linear(2, 1, hasBias: false); RegisterComponents(); }
                public override Tensor forward(Tensor x) => Head.call(Fc.call(x));
            }
            """;
        var shape = Parse(source, "Net");
        Assert.Equal(
            new[] { "<Fc>k__BackingField.weight", "<Fc>k__BackingField.bias", "<Head>k__BackingField.weight" },
            shape.Parameters.Select(p => p.Name));
    }

    internal static ModelShape Parse(string source, string className)
    {
        var compilation = TestCompilation.Create(source);
        Assert.Empty(TestCompilation.Problems(compilation));
        var type = compilation.GetSymbolsWithName(className, SymbolFilter.Type).OfType<INamedTypeSymbol>().Single();
        return ModelShapeParser.Parse(type, compilation, CancellationToken.None);
    }

    internal static string Describe(ModelShape shape)
    {
        var text = new StringBuilder();
        text.AppendLine($"model {shape.FullyQualifiedName} ({(shape.IsPublic ? "public" : "internal")})");
        text.AppendLine("parameters:");
        foreach (var parameter in shape.Parameters)
        {
            var rank = parameter.Rank == 0 ? "rank ?" : $"rank {parameter.Rank}";
            text.AppendLine($"  {parameter.Name} [{rank}]{(parameter.IsConditional ? " conditional" : string.Empty)}");
        }

        text.AppendLine("modules:");
        foreach (var module in shape.Modules)
        {
            text.AppendLine($"  {module.Name} : {module.TypeName}");
        }

        text.AppendLine("open:");
        foreach (var prefix in shape.OpenPrefixes)
        {
            text.AppendLine($"  {(prefix.Length == 0 ? "(whole model)" : prefix)}");
        }

        return text.ToString();
    }
}
