using Distiller.Typed.Generators.Model;

namespace Distiller.Typed.Snapshot.Tests.Model;

/// <summary>
/// <c>Sequential(array)</c> where the array is a local the same method fills: its entries are followed (ResNet
/// stage helpers do this), unless the array goes anywhere the parser cannot follow.
/// </summary>
public sealed class LocalArrayContainerTests
{
    private static string Model(string helperBody) => $$"""
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;
        public static class Other { public static void Touch((string, Module<Tensor, Tensor>)[] a) { } }
        [Distiller.Typed.CompressibleModel]
        public sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Sequential body;
            public Net(int n) : base("Net") { body = Make(n); RegisterComponents(); }
            public override Tensor forward(Tensor x) => body.call(x);
            private static Sequential Make(int n)
            {
                {{helperBody}}
            }
        }
        """;

    [Fact]
    public void Constant_keys_of_an_array_initializer_keep_their_names()
    {
        var shape = ModelShapeTests.Parse(Model("""
            var parts = new (string, Module<Tensor, Tensor>)[] { ("proj", Linear(4, 4)), ("out", Linear(4, 2, hasBias: false)) };
            return Sequential(parts);
            """), "Net");
        Assert.Equal(new[] { "body.proj.weight", "body.proj.bias", "body.out.weight" }, shape.Parameters.Select(p => p.Name));
        Assert.True(shape.IsClosed);
    }

    [Fact]
    public void Keys_made_from_a_loop_counter_become_an_index_wildcard_that_absorbs_numbered_entries()
    {
        var shape = ModelShapeTests.Parse(Model("""
            var parts = new (string, Module<Tensor, Tensor>)[n];
            parts[0] = ("0", Linear(4, 4));
            for (var i = 1; i < n; i++)
                parts[i] = ($"{i}", Linear(4, 4, hasBias: false));
            return Sequential(parts);
            """), "Net");

        // bias exists for entry 0 only: the union keeps it, marked conditional.
        Assert.Equal(new[] { "body.<index>.weight", "body.<index>.bias" }, shape.Parameters.Select(p => p.Name));
        Assert.True(shape.Parameters.Single(p => p.Name == "body.<index>.bias").IsConditional);
        Assert.True(shape.IsClosed);
    }

    [Fact]
    public void An_array_handed_to_other_code_leaves_the_container_open()
    {
        var shape = ModelShapeTests.Parse(Model("""
            var parts = new (string, Module<Tensor, Tensor>)[n];
            parts[0] = ("0", Linear(4, 4));
            Other.Touch(parts);
            return Sequential(parts);
            """), "Net");
        Assert.Equal(new[] { "body" }, shape.OpenPrefixes);
    }

    [Fact]
    public void A_key_that_is_neither_constant_nor_a_number_is_a_key_wildcard()
    {
        var shape = ModelShapeTests.Parse(Model("""
            var parts = new (string, Module<Tensor, Tensor>)[1];
            parts[0] = (n > 2 ? "big" : "small", Linear(4, 4));
            return Sequential(parts);
            """), "Net");
        Assert.Equal(new[] { "body.<key>.weight", "body.<key>.bias" }, shape.Parameters.Select(p => p.Name));
    }
}
