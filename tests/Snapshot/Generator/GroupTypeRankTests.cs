using Distiller.Typed.Snapshot.Tests.Infrastructure;

namespace Distiller.Typed.Snapshot.Tests.Generator;

/// <summary>DTS105 follows the runtime's rank table (src/Sdk GroupTypeRanks, which Thresholding/GroupTypes reads):
/// what the runtime cuts into groups compiles, what it refuses does not.</summary>
public sealed class GroupTypeRankTests
{
    private const string Model = """
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;
        [Distiller.Typed.CompressibleModel]
        public sealed class Mixed : Module<Tensor, Tensor>
        {
            private readonly Conv1d conv = Conv1d(4, 8, 3);
            private readonly Linear fc = Linear(8, 2);
            public Mixed() : base(nameof(Mixed)) { RegisterComponents(); }
            public override Tensor forward(Tensor x) => fc.call(conv.call(x));
        }
        """;

    [Theory]
    [InlineData("fc.weight", "4D", null)]        // Distiller asserts 4-D; the runtime takes the whole 2-D matrix
    [InlineData("fc.weight", "Channels", null)]  // the runtime groups a linear layer's input columns
    [InlineData("conv.weight", "Channels", null)] // 3-D: the runtime accepts
    [InlineData("fc.weight", "2D", "DTS105")]
    [InlineData("conv.weight", "Rows", "DTS105")]
    public void Group_lasso_group_types_are_checked_against_the_runtime_ranks(string parameter, string groupType, string? expected)
    {
        var schedule = $$"""
            version: 1
            regularizers:
              r:
                class: GroupLassoRegularizer
                reg_regims:
                  {{parameter}}: [0.001, '{{groupType}}']
            policies:
              - regularizer:
                  instance_name: r
                starting_epoch: 0
                ending_epoch: 4
                frequency: 1
            """;
        var run = GeneratorRun.Of([Model], new ScheduleText("/project/schedules/mixed.lasso.yaml", schedule));
        Assert.Equal(expected is null ? [] : [expected], run.GeneratorDiagnostics.Select(d => d.Id));
    }
}
