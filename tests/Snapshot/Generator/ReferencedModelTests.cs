using Distiller.Typed.Snapshot.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Distiller.Typed.Snapshot.Tests.Generator;

/// <summary>A <c>[CompressibleModel]</c> class compiled into a referenced model library: schedules bind to it (never
/// DTS110), its names are left to the run-time check with one info diagnostic, and the builder compiles.</summary>
public sealed class ReferencedModelTests
{
    private const string Library = """
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;
        namespace Models;
        [Distiller.Typed.CompressibleModel]
        public sealed class SharedNet : Module<Tensor, Tensor>
        {
            private readonly Linear fc1 = Linear(4, 8);
            private readonly Linear fc2 = Linear(8, 2);
            public SharedNet() : base(nameof(SharedNet)) { RegisterComponents(); }
            public override Tensor forward(Tensor x) => fc2.call(fc1.call(x));
        }
        """;

    private const string Schedule = """
        version: 1
        pruners:
          p:
            class: AutomatedGradualPruner
            initial_sparsity: 0.05
            final_sparsity: 0.5
            weights: [fc1.weight, fc2.weight]
        policies:
          - pruner:
              instance_name: p
            starting_epoch: 0
            ending_epoch: 10
            frequency: 1
        """;

    [Fact]
    public void A_schedule_binds_to_a_model_from_a_referenced_assembly()
    {
        var harness = GeneratorHarness.Create(["class Program { static void Main() { } }"], [new ScheduleText("/project/schedules/sharednet.agp.yaml", Schedule)]);
        harness.Edit(c => c.AddReferences(LibraryReference()));
        var (result, output) = harness.Run();

        Assert.Equal(
            "sharednet.agp.yaml(7,15): info DTS107: 'fc1.weight' and other names under SharedNet are not checked at compile time: SharedNet is compiled into the referenced assembly ModelLibrary, whose code the generator cannot read. The schedule's builder checks them against named_parameters() when it runs\n",
            GeneratorHarness.Describe(result.Diagnostics));
        Assert.Contains(result.GeneratedTrees, t => t.GetText().ToString().Contains("global::Models.SharedNet model", StringComparison.Ordinal));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    private static MetadataReference LibraryReference()
    {
        var library = TestCompilation.Create(Library).WithAssemblyName("ModelLibrary");
        using var stream = new MemoryStream();
        var emit = library.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        return MetadataReference.CreateFromImage(stream.ToArray());
    }
}
