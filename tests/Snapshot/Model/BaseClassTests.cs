using Distiller.Typed.Generators.Model;

namespace Distiller.Typed.Snapshot.Tests.Model;

/// <summary>
/// Module classes that inherit their layers. TorchSharp 0.107's <c>RegisterComponents()</c> walks <c>GetType()</c>
/// and then each base type, reading <c>GetFields(Public | NonPublic | Instance)</c> (a type's own fields, then the
/// non-private fields it inherits) and skipping a field name it has already seen; the parser lists the same names in
/// the same order.
/// </summary>
public sealed class BaseClassTests
{
    [Fact]
    public void Fields_of_base_classes_at_any_depth_are_registered_after_the_derived_ones()
    {
        // Order by hand: Net's own `head`; then GetFields(Net)'s inherited non-private fields: Middle's `shared`
        // (protected, assigned by Net) and Root's `stem` (protected); then GetFields(Middle) adds the private
        // `mid`; GetFields(Root) adds the private `hidden`. Root's private `head` is skipped: the name was seen.
        const string source = """
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;
            public abstract class Root : Module<Tensor, Tensor>
            {
                private readonly Linear hidden = Linear(2, 2);
                private readonly Linear head = Linear(2, 3, hasBias: false);
                protected Linear? stem;
                protected Root(string name) : base(name) { stem = Linear(2, 2, hasBias: false); }
            }
            public abstract class Middle : Root
            {
                private readonly Conv2d mid;
                protected Linear? shared;
                protected Middle(string name) : base(name) { mid = Conv2d(1, 1, 3); }
            }
            [Distiller.Typed.CompressibleModel]
            public sealed class Net : Middle
            {
                private readonly Linear head = Linear(2, 1);
                public Net() : base("Net") { shared = Linear(2, 2); RegisterComponents(); }
                public override Tensor forward(Tensor x) => head.call(x);
            }
            """;
        var shape = ModelShapeTests.Parse(source, "Net");
        Assert.Equal(
            new[] { "head.weight", "head.bias", "shared.weight", "shared.bias", "stem.weight", "mid.weight", "mid.bias", "hidden.weight", "hidden.bias" },
            shape.Parameters.Select(p => p.Name));
        Assert.True(shape.IsClosed);
    }

    [Fact]
    public void A_generic_base_class_is_open()
    {
        // The field types depend on the type argument: the parser does not substitute them, so it says nothing.
        const string source = """
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;
            public abstract class Holder<T> : Module<Tensor, Tensor> where T : Module<Tensor, Tensor>
            {
                protected T? inner;
                protected Holder(string name) : base(name) { }
            }
            [Distiller.Typed.CompressibleModel]
            public sealed class Net : Holder<Linear>
            {
                private readonly Linear fc = Linear(2, 1);
                public Net() : base("Net") { inner = Linear(2, 2); RegisterComponents(); }
                public override Tensor forward(Tensor x) => fc.call(x);
            }
            """;
        var shape = ModelShapeTests.Parse(source, "Net");
        Assert.Equal(new[] { string.Empty }, shape.OpenPrefixes);
        Assert.Equal(new[] { "fc.weight", "fc.bias" }, shape.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void A_model_deriving_from_a_TorchSharp_layer_is_open()
    {
        // Sequential's own entries are registered by TorchSharp, not by fields the parser can read.
        const string source = """
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;
            [Distiller.Typed.CompressibleModel]
            public sealed class Net : Sequential
            {
                private readonly Linear fc = Linear(2, 1);
                public Net() : base(("first", Linear(2, 2))) { RegisterComponents(); }
            }
            """;
        var shape = ModelShapeTests.Parse(source, "Net");
        Assert.Equal(new[] { string.Empty }, shape.OpenPrefixes);
    }
}
