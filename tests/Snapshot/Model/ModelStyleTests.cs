using Distiller.Typed.Generators.Binding;
using Distiller.Typed.Generators.Model;
using Distiller.Typed.Snapshot.Tests.Generator;
using Distiller.Typed.Snapshot.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Distiller.Typed.Snapshot.Tests.Model;

/// <summary>
/// Ways people write TorchSharp modules that the shape analysis once got wrong (each gave DTS101 on a name that
/// exists). Every expected list is what TorchSharp's own <c>named_parameters()</c> gives for the built module: each
/// test compiles the source, constructs the model and asks TorchSharp, then compares with the generator's names.
/// </summary>
public sealed class ModelStyleTests
{
    private const string Usings = """
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;

        """;

    [Fact]
    public void Fields_assigned_by_tuple_deconstruction()
    {
        const string source = Usings + """
            [Distiller.Typed.CompressibleModel]
            public sealed class Net : Module<Tensor, Tensor>
            {
                private readonly Conv2d conv1;
                private readonly Linear fc;
                private readonly Linear left, right;
                public Net() : base(nameof(Net))
                {
                    (conv1, fc) = (Conv2d(1, 4, 3), Linear(4, 2, hasBias: false));
                    (left, right) = Pair();
                    RegisterComponents();
                }
                private static (Linear, Linear) Pair() => (Linear(2, 2), Linear(2, 2));
                public override Tensor forward(Tensor x) => fc.call(conv1.call(x));
            }
            """;
        AssertNamesMatchTorchSharp(source, "Net", ["conv1.weight", "conv1.bias", "fc.weight", "left.weight", "left.bias", "right.weight", "right.bias"]);
    }

    [Fact]
    public void A_field_assigned_with_null_coalescing_assignment()
    {
        const string source = Usings + """
            [Distiller.Typed.CompressibleModel]
            public sealed class Net : Module<Tensor, Tensor>
            {
                private Linear? fc;
                private Linear? head;
                public Net(Linear? given = null) : base(nameof(Net))
                {
                    fc ??= Linear(4, 2);
                    head = given;
                    head ??= Linear(2, 1, hasBias: false);
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x) => head!.call(fc!.call(x));
            }
            """;

        // `head` is either the caller's Linear (bias unknown) or the fallback without bias: bias is conditional.
        var shape = AssertNamesMatchTorchSharp(source, "Net", ["fc.weight", "fc.bias", "head.weight"], extraConditional: ["head.bias"]);
        Assert.False(shape.Parameters.Single(p => p.Name == "fc.bias").IsConditional);
    }

    [Fact]
    public void Fields_assigned_through_out_and_ref_helpers()
    {
        const string source = Usings + """
            public static class Layers
            {
                public static void External(out Linear layer) => layer = Linear(3, 3);
            }
            [Distiller.Typed.CompressibleModel]
            public sealed class Net : Module<Tensor, Tensor>
            {
                private readonly Conv2d conv;
                private readonly BatchNorm2d bn;
                private Linear? fc;
                private readonly Linear other;
                public Net() : base(nameof(Net))
                {
                    MakeStem(out conv, out bn);
                    Replace(ref fc);
                    Layers.External(out other);
                    RegisterComponents();
                }
                private static void MakeStem(out Conv2d c, out BatchNorm2d b)
                {
                    c = Conv2d(3, 8, 3, bias: false);
                    b = BatchNorm2d(8);
                }
                private static void Replace(ref Linear? layer) => layer = Linear(8, 2);
                public override Tensor forward(Tensor x) => fc!.call(bn.call(conv.call(x)));
            }
            """;

        // Layers.External is in the same compilation but another class: followed too.
        AssertNamesMatchTorchSharp(source, "Net", ["conv.weight", "bn.weight", "bn.bias", "fc.weight", "fc.bias", "other.weight", "other.bias"]);
    }

    [Fact]
    public void Register_module_called_on_a_field()
    {
        const string source = Usings + """
            public sealed class Head : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(8, 2);
                public Head() : base(nameof(Head)) { RegisterComponents(); }
                public override Tensor forward(Tensor x) => fc.call(x);
            }
            [Distiller.Typed.CompressibleModel]
            public sealed class Net : Module<Tensor, Tensor>
            {
                private readonly Head head = new();
                private readonly Sequential body = Sequential(Linear(4, 8));
                public Net() : base(nameof(Net))
                {
                    head.register_module("extra", Linear(2, 2, hasBias: false));
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x) => head.call(body.call(x));
            }
            """;
        var shape = AssertNamesMatchTorchSharp(source, "Net", ["head.fc.weight", "head.fc.bias", "head.extra.weight", "body.0.weight", "body.0.bias"]);

        // The Head class itself is unchanged by what Net adds to its instance.
        Assert.True(shape.IsClosed);
    }

    [Fact]
    public void Register_module_on_an_object_the_analysis_cannot_follow_opens_the_model()
    {
        const string source = Usings + """
            [Distiller.Typed.CompressibleModel]
            public sealed class Net : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 2);
                public Net() : base(nameof(Net))
                {
                    RegisterComponents();
                    Attach(this);
                }
                private static void Attach(Module target) => target.register_module("extra", Linear(2, 2));
                public override Tensor forward(Tensor x) => fc.call(x);
            }
            """;
        // TorchSharp lists 'extra' too; the generator cannot see it, so the whole model is open (nothing reported).
        var shape = AssertNamesMatchTorchSharp(source, "Net", ["fc.weight", "fc.bias", "extra.weight", "extra.bias"], open: true);
        var open = Assert.Single(shape.OpenModules);
        Assert.Equal(string.Empty, open.Prefix);
        Assert.Contains("target.register_module", open.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_local_container_filled_by_method_calls_is_open()
    {
        const string source = Usings + """
            [Distiller.Typed.CompressibleModel]
            public sealed class Net : Module<Tensor, Tensor>
            {
                public Net() : base(nameof(Net))
                {
                    var body = Sequential();
                    body.append(Linear(4, 4));
                    body.append(Linear(4, 2));
                    register_module("body", body);
                }
                public override Tensor forward(Tensor x) => x;
            }
            """;
        var shape = AssertNamesMatchTorchSharp(source, "Net", ["body.0.weight", "body.0.bias", "body.1.weight", "body.1.bias"], open: true);
        Assert.Equal(["body"], shape.OpenPrefixes);
    }

    [Fact]
    public void A_virtual_layer_factory_overridden_in_the_annotated_class()
    {
        const string source = Usings + """
            public abstract class Backbone : Module<Tensor, Tensor>
            {
                protected readonly Module<Tensor, Tensor> head;
                protected readonly Linear stem;
                protected Backbone(string name) : base(name)
                {
                    stem = Linear(4, 8);
                    head = MakeHead();
                }
                protected virtual Module<Tensor, Tensor> MakeHead() => Linear(8, 2);
                public override Tensor forward(Tensor x) => head.call(stem.call(x));
            }
            [Distiller.Typed.CompressibleModel]
            public sealed class Wide : Backbone
            {
                public Wide() : base(nameof(Wide)) { RegisterComponents(); }
                protected override Module<Tensor, Tensor> MakeHead() => Sequential(Linear(8, 16), ReLU(), Linear(16, 2, hasBias: false));
            }
            [Distiller.Typed.CompressibleModel]
            public sealed class Plain : Backbone
            {
                public Plain() : base(nameof(Plain)) { RegisterComponents(); }
            }
            """;
        AssertNamesMatchTorchSharp(source, "Wide", ["head.0.weight", "head.0.bias", "head.2.weight", "stem.weight", "stem.bias"]);
        AssertNamesMatchTorchSharp(source, "Plain", ["head.weight", "head.bias", "stem.weight", "stem.bias"]);
    }

    [Fact]
    public void A_schedule_naming_the_styles_compiles_without_findings()
    {
        const string model = Usings + """
            public abstract class Backbone : Module<Tensor, Tensor>
            {
                protected readonly Module<Tensor, Tensor> head;
                protected Backbone(string name) : base(name) { head = MakeHead(); }
                protected virtual Module<Tensor, Tensor> MakeHead() => Linear(8, 2);
                public override Tensor forward(Tensor x) => head.call(x);
            }
            [Distiller.Typed.CompressibleModel]
            public sealed class Styles : Backbone
            {
                private readonly Conv2d conv1;
                private readonly Linear fc;
                private Linear? extra;
                private readonly Conv2d stem;
                public Styles() : base(nameof(Styles))
                {
                    (conv1, fc) = (Conv2d(1, 4, 3), Linear(4, 8));
                    extra ??= Linear(8, 8);
                    Make(out stem);
                    RegisterComponents();
                }
                private static void Make(out Conv2d c) => c = Conv2d(1, 1, 1);
                protected override Module<Tensor, Tensor> MakeHead() => Sequential(Linear(8, 16), ReLU(), Linear(16, 2));
            }
            """;
        const string schedule = """
            version: 1
            pruners:
              pruner:
                class: AutomatedGradualPruner
                initial_sparsity: 0.05
                final_sparsity: 0.5
                weights: [conv1.weight, fc.weight, extra.weight, stem.weight, head.0.weight, head.2.weight]
            policies:
              - pruner:
                  instance_name: pruner
                starting_epoch: 0
                ending_epoch: 4
                frequency: 1
            """;
        var run = GeneratorRun.Of([model], new ScheduleText("/project/schedules/styles.agp.yaml", schedule));
        Assert.Equal("(no diagnostics)\n", GeneratorHarness.Describe(run.GeneratorDiagnostics));
        Assert.Empty(run.CompilerProblems);
    }

    [Fact]
    public void Register_module_on_a_container_field_opens_the_container()
    {
        // Observed from TorchSharp 0.107.0: `body.register_module("gate", …)` on a Sequential does not appear in
        // named_parameters(); what a ModuleList or ModuleDict does with it is not pinned, so the container is open.
        const string source = Usings + """
            [Distiller.Typed.CompressibleModel]
            public sealed class Net : Module<Tensor, Tensor>
            {
                private readonly Sequential body = Sequential(Linear(4, 8));
                public Net() : base(nameof(Net))
                {
                    body.register_module("gate", Linear(8, 8));
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x) => body.call(x);
            }
            """;
        var shape = AssertNamesMatchTorchSharp(source, "Net", ["body.0.weight", "body.0.bias"], open: true);
        Assert.Equal(["body"], shape.OpenPrefixes);
    }

    /// <summary>Asserts TorchSharp registers exactly <paramref name="expected"/>; then that the generator's names are
    /// the same (closed model) or that none of TorchSharp's names would be reported (open model).
    /// <paramref name="extraConditional"/> names are ones the generator keeps because some construction has them.</summary>
    private static ModelShape AssertNamesMatchTorchSharp(string source, string className, string[] expected, string[]? extraConditional = null, bool open = false)
    {
        var actual = TorchSharpNames.Of(source, className);
        Assert.Equal(expected, actual);

        var shape = ModelShapeTests.Parse(source, className);
        Assert.Equal(!open, shape.IsClosed);
        if (open)
        {
            var index = new NameIndex(shape.Parameters.Select(p => p.Name), shape.OpenPrefixes);
            Assert.All(actual, name => Assert.NotEqual(NameMatch.Missing, index.Match(name)));
            return shape;
        }

        Assert.Equal(expected.Concat(extraConditional ?? []).Order(StringComparer.Ordinal), shape.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(extraConditional ?? [], name => Assert.True(shape.Parameters.Single(p => p.Name == name).IsConditional, name));
        return shape;
    }
}
