using Distiller.Typed.Summaries;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Summaries;

public class ComputeSummaryTests
{
    [Fact]
    public void MacsDenseAndAfterPruning()
    {
        using var model = SummaryModels.Pruned();
        using var input = ones(1, 1, 4, 4);
        var summary = ComputeSummary.Compute(model, input);

        Assert.Equal(new[] { "conv", "fc" }, summary.Layers.Select(l => l.Name));
        var conv = summary.Layers[0];
        // OFM (1, 2, 4, 4) = 32; MACs = 32 * (1/1 * 3 * 3) = 288; weights 18, nnz 9 (filter 0 zeroed) -> 16 positions * 9 = 144
        Assert.Equal(("Conv2d", "k=(3, 3)"), (conv.Type, conv.Attributes));
        Assert.Equal(new long[] { 1, 2, 4, 4 }, conv.OutputShape);
        Assert.Equal((16L, 32L, 18L, 9L), (conv.InputVolume, conv.OutputVolume, conv.WeightsVolume, conv.WeightsNnz));
        Assert.Equal((288L, 144L), (conv.Macs, conv.SparseMacs));

        var fc = summary.Layers[1];
        // Linear 32 -> 3: MACs = 96 (Distiller: volume(weight)); 48 of 96 weights non-zero -> 48
        Assert.Equal((96L, 48L, 96L, 48L), (fc.WeightsVolume, fc.WeightsNnz, fc.Macs, fc.SparseMacs));
        Assert.Equal((384L, 192L), (summary.TotalMacs, summary.TotalSparseMacs));
    }

    [Fact]
    public void BatchScalesBothLayersAndHooksAreRemoved()
    {
        using var model = SummaryModels.Pruned();
        using var input = ones(2, 1, 4, 4);
        var summary = ComputeSummary.Compute(model, input);
        // conv: OFM volume 64 -> 576 dense, 32 positions * 9 = 288; fc: 2 rows * 96 = 192 dense, 2 * 48 = 96
        Assert.Equal(new long[] { 576, 192 }, summary.Layers.Select(l => l.Macs));
        Assert.Equal(new long[] { 288, 96 }, summary.Layers.Select(l => l.SparseMacs));

        // A second summary sees exactly one row per layer: the first call's hooks are gone.
        Assert.Equal(2, ComputeSummary.Compute(model, input).Layers.Count);
        Assert.True(model.training);
    }

    [Fact]
    public void TableListsEveryLayer()
    {
        using var model = SummaryModels.Pruned();
        using var input = ones(1, 1, 4, 4);
        var text = ComputeSummary.Compute(model, input).ToString();
        Assert.Contains("|    | Name   | Type   | Attrs    | IFM          |", text);
        Assert.Contains("|  0 | conv   | Conv2d | k=(3, 3) | (1, 1, 4, 4) |           16 | (1, 2, 4, 4) |           32 |               18 |    288 |             9 |             144 |", text);
        Assert.Contains("Total MACs: 384", text);
        Assert.Contains("Total MACs after pruning: 192", text);
    }

    private sealed class ForwardCaller : TorchSharp.torch.nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Linear _fc = TorchSharp.torch.nn.Linear(2, 2);

        public ForwardCaller() : base(nameof(ForwardCaller)) => RegisterComponents();

        public override Tensor forward(Tensor input) => _fc.forward(input); // bypasses the hooks
    }

    [Fact]
    public void LayersThatNeverFireTheirHooksAreAnErrorNotAnEmptySummary()
    {
        using var model = new ForwardCaller();
        using var input = ones(1, 2);
        var e = Assert.Throws<InvalidOperationException>(() => ComputeSummary.Compute(model, input));
        Assert.Contains(".call(input)", e.Message);
    }
}
