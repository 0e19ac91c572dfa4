using Distiller.Typed.Snapshot.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Distiller.Typed.Snapshot.Tests.Generator;

/// <summary>Override patterns against a container whose entries are added in a loop (an <c>&lt;index&gt;</c>
/// wildcard): a container has no index limit, so a pattern naming block 17 or 117 reaches a module.</summary>
public sealed class OverrideIndexTests
{
    private const string Model = """
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;
        [Distiller.Typed.CompressibleModel]
        public sealed class Deep : Module<Tensor, Tensor>
        {
            private readonly ModuleList<Module<Tensor, Tensor>> blocks = new ModuleList<Module<Tensor, Tensor>>();
            public Deep(int depth = 120) : base(nameof(Deep))
            {
                for (var i = 0; i < depth; i++)
                {
                    blocks.append(Linear(8, 8));
                }

                RegisterComponents();
            }
            public override Tensor forward(Tensor x) => x;
        }
        """;

    [Theory]
    [InlineData("blocks\\.17")]
    [InlineData("blocks\\.117")]
    [InlineData("blocks\\.1[0-9]")]
    [InlineData("blocks\\.(?P<i>1)\\d")]
    public void A_pattern_naming_a_high_index_matches_without_a_warning(string pattern)
    {
        var run = GeneratorRun.Of([Model], new ScheduleText("/project/schedules/deep.qat.yaml", Schedule(pattern)));
        Assert.Equal("(no diagnostics)\n", GeneratorHarness.Describe(run.GeneratorDiagnostics));
        Assert.Empty(run.CompilerProblems);
    }

    [Fact]
    public void A_pattern_that_matches_nothing_is_still_reported_with_the_name_that_exists()
    {
        var run = GeneratorRun.Of([Model], new ScheduleText("/project/schedules/deep.qat.yaml", Schedule("blocks\\.17\\.fc")));
        var warning = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("DTS103", warning.Id);
        Assert.Contains("did you mean 'blocks.17'", warning.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    private static string Schedule(string pattern) => $$"""
        version: 1
        quantizers:
          q:
            class: QuantAwareTrainRangeLinearQuantizer
            bits_activations: 8
            bits_weights: 8
            overrides:
              '{{pattern}}':
                bits_weights: 4
        policies:
          - quantizer:
              instance_name: q
            starting_epoch: 0
            ending_epoch: 10
            frequency: 1
        """;
}
