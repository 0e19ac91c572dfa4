using Distiller.Typed.Sensitivity;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Sensitivity;

/// <summary>
/// <see cref="SensitivityAnalysis"/> on a small convolution + linear model with hand-set weights: each row prunes
/// exactly one tensor by the level's formula (int(level × numel) elements, int(level × filters) filters,
/// int(level × channels) channels, the smallest by magnitude / mean L1), every other tensor dense, and the model
/// bit-for-bit as it was afterwards.
/// </summary>
public sealed class SensitivityAnalysisTests
{
    private sealed class ConvNet : nn.Module<Tensor, Tensor>
    {
        public readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(3, 6, 2);
        public readonly nn.Module<Tensor, Tensor> fc = nn.Linear(24, 4);

        public ConvNet() : base(nameof(ConvNet)) => RegisterComponents();

        public override Tensor forward(Tensor x) => fc.call(conv.call(x).flatten(1));
    }

    // Filter f's weights are all ±(FilterScale[f] + small distinct offsets): filter order by mean |w| is known.
    private static readonly float[] FilterScale = [4, 1, 6, 2, 5, 3];
    // Channel c (input) scaled by ChannelScale[c] inside every filter: channel 1 smallest, then 2, then 0.
    private static readonly float[] ChannelScale = [3, 1, 2];

    private static ConvNet Model()
    {
        var model = new ConvNet();
        var conv = new float[6 * 3 * 2 * 2];
        for (var i = 0; i < conv.Length; i++)
        {
            var f = i / 12;
            var c = i / 4 % 3;
            conv[i] = (i % 2 == 0 ? 1 : -1) * (FilterScale[f] * ChannelScale[c] + 0.001f * i);
        }
        TestModels.Set(model.named_parameters().First(p => p.name == "conv.weight").parameter, conv);
        // fc: |w| = 1..96 in a scrambled order, so the k smallest are a known set.
        var fc = Enumerable.Range(0, 96).Select(i => (float)((i * 37 % 96) + 1) * (i % 3 == 0 ? -1 : 1)).ToArray();
        TestModels.Set(model.named_parameters().First(p => p.name == "fc.weight").parameter, fc);
        return model;
    }

    private static Dictionary<string, float[]> Snapshot(nn.Module model) =>
        model.named_parameters().ToDictionary(p => p.name, p => TestModels.Values(p.parameter));

    [Fact]
    public void Element_analysis_prunes_one_tensor_at_a_time_by_the_level_formula_and_restores_it_bit_exactly()
    {
        using var model = Model();
        var dense = Snapshot(model);
        double[] levels = [0, 0.25, 0.5, 0.9];
        var seen = new List<Dictionary<string, float[]>>();
        var points = SensitivityAnalysis.Run(model, SensitivityGroup.Element, levels, () =>
        {
            seen.Add(Snapshot(model));
            return new SensitivityScore(seen.Count, 0, 0);
        });

        // conv.weight (4-D) and fc.weight (2-D); the 1-D biases are not tested, as in Distiller.
        Assert.Equal(["conv.weight", "fc.weight"], points.Select(p => p.Parameter).Distinct());
        Assert.Equal(2 * levels.Length, points.Count);
        Assert.Equal(levels.Concat(levels), points.Select(p => p.Sparsity));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (double)i), points.Select(p => p.Top1)); // one evaluation per row, in order

        for (var row = 0; row < points.Count; row++)
        {
            var (name, level) = (points[row].Parameter, points[row].Sparsity);
            foreach (var (other, values) in seen[row])
                if (other != name)
                    Assert.Equal(dense[other], values); // every other tensor dense
            var pruned = seen[row][name];
            var k = (int)(level * pruned.Length);
            Assert.Equal(k, pruned.Count(v => v == 0));
            // The zeroed ones are the k smallest magnitudes of the dense tensor.
            var smallest = dense[name].Select((v, i) => (Math.Abs(v), i)).OrderBy(t => t.Item1).Take(k).Select(t => t.i).ToHashSet();
            for (var i = 0; i < pruned.Length; i++)
                Assert.Equal(smallest.Contains(i) ? 0f : dense[name][i], pruned[i]);
        }

        var after = Snapshot(model);
        foreach (var (name, values) in dense)
            Assert.Equal(values, after[name]); // float equality: bit-exact restore
    }

    [Theory]
    [InlineData(SensitivityGroup.Filter)]
    [InlineData(SensitivityGroup.Channel)]
    public void Structure_analysis_zeroes_the_L1_smallest_structures_of_convolutions_only(SensitivityGroup group)
    {
        using var model = Model();
        var dense = Snapshot(model);
        double[] levels = [0, 0.2, 0.34, 0.5, 0.7];
        var seen = new List<float[]>();
        var points = SensitivityAnalysis.Run(model, group, levels, () =>
        {
            seen.Add(Snapshot(model)["conv.weight"]);
            Assert.Equal(dense["fc.weight"], Snapshot(model)["fc.weight"]);
            return new SensitivityScore(0, 0, 0);
        });

        Assert.All(points, p => Assert.Equal("conv.weight", p.Parameter)); // 4-D weights only
        Assert.Equal(levels.Length, points.Count);
        var scales = group == SensitivityGroup.Filter ? FilterScale : ChannelScale;
        for (var row = 0; row < levels.Length; row++)
        {
            var count = (int)(levels[row] * scales.Length);
            var expected = scales.Select((s, i) => (s, i)).OrderBy(t => t.s).Take(count).Select(t => t.i).ToHashSet();
            for (var i = 0; i < seen[row].Length; i++)
            {
                var structure = group == SensitivityGroup.Filter ? i / 12 : i / 4 % 3;
                Assert.Equal(expected.Contains(structure) ? 0f : dense["conv.weight"][i], seen[row][i]);
            }
        }
        Assert.Equal(dense["conv.weight"], Snapshot(model)["conv.weight"]);
    }

    [Fact]
    public void The_weights_are_restored_when_an_evaluation_throws()
    {
        using var model = Model();
        var dense = Snapshot(model);
        Assert.Throws<InvalidOperationException>(() =>
            SensitivityAnalysis.Run(model, SensitivityGroup.Element, [0.5], () => throw new InvalidOperationException("evaluation failed")));
        Assert.Equal(dense["conv.weight"], Snapshot(model)["conv.weight"]);
    }

    [Fact]
    public void A_parameter_the_group_cannot_test_is_an_error_naming_it()
    {
        using var model = Model();
        var e = Assert.Throws<ArgumentException>(() =>
            SensitivityAnalysis.Run(model, SensitivityGroup.Filter, [0.5], () => default, ["fc.weight"]));
        Assert.Contains("'fc.weight' is a 2-D parameter", e.Message);
        Assert.Contains("no parameter named 'fc.wieght'",
            Assert.Throws<ArgumentException>(() => SensitivityAnalysis.Run(model, SensitivityGroup.Element, [0.5], () => default, ["fc.wieght"])).Message);
    }
}
