using Distiller.Typed.Quantization.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Tests;

/// <summary>Distiller's tests/test_sim_bn_fold.py: training the folded pair matches training layer → batch-norm.</summary>
public class SimulatedFoldedBatchNormTests
{
    private const double Atol = 2e-4, Rtol = 1e-3;

    [Fact]
    public void BadSequences_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => new SimulatedFoldedBatchNorm(nn.Conv1d(1, 2, 3), nn.BatchNorm2d(2)));
        Assert.Throws<ArgumentException>(() => new SimulatedFoldedBatchNorm(nn.Conv2d(1, 2, 3), nn.BatchNorm3d(2)));
        Assert.Throws<ArgumentException>(() => new SimulatedFoldedBatchNorm(nn.Conv3d(1, 2, 3), nn.BatchNorm2d(2)));
        Assert.Throws<ArgumentException>(() => new SimulatedFoldedBatchNorm(nn.Linear(3, 5), nn.BatchNorm2d(5)));
        Assert.Throws<ArgumentException>(() => new SimulatedFoldedBatchNorm(nn.Linear(3, 5), nn.BatchNorm1d(5, track_running_stats: false)));
    }

    private static void Close(Tensor expected, Tensor actual, string what) =>
        Assert.True(actual.allclose(expected, Rtol, Atol), $"{what} differs");

    private static void Run(Func<nn.Module<Tensor, Tensor>> makeLayer, Func<NormBase> makeBn, long[] inputShape, bool hasBias, bool affine)
    {
        torch.manual_seed(1234);
        var layer = makeLayer();
        var bn = makeBn();
        var layer2 = makeLayer();
        var bn2 = makeBn();
        layer2.load_state_dict(layer.state_dict());
        bn2.load_state_dict(bn.state_dict());
        var folded = new SimulatedFoldedBatchNorm(layer2, bn2);
        var unfolded = nn.Sequential(("0", layer), ("1", (nn.Module<Tensor, Tensor>)bn));
        var optF = optim.SGD(folded.parameters(), 1e-3);
        var optU = optim.SGD(unfolded.parameters(), 1e-3);
        var w = layer.named_parameters().First(p => p.name == "weight").parameter;
        var wF = layer2.named_parameters().First(p => p.name == "weight").parameter;
        for (int i = 0; i < 10; i++)
        {
            folded.train();
            unfolded.train();
            var x = torch.rand(inputShape);
            var target = torch.rand_like(layer.forward(x));
            optF.zero_grad();
            optU.zero_grad();
            nn.functional.mse_loss(folded.forward(x), target).backward();
            nn.functional.mse_loss(unfolded.forward(x), target).backward();
            Close(w.grad!, wF.grad!, "weight grad");
            if (hasBias)
                Assert.True(layer2.named_parameters().First(p => p.name == "bias").parameter.grad is null, "the layer bias does not take part");
            if (affine)
            {
                Close(bn.weight!.grad!, bn2.weight!.grad!, "gamma grad");
                Close(bn.bias!.grad!, bn2.bias!.grad!, "beta grad");
            }
            optU.step();
            optF.step();
            Close(w, wF, "weight");
            Close(bn.running_mean!, bn2.running_mean!, "running mean");
            Close(bn.running_var!, bn2.running_var!, "running var");

            folded.eval();
            unfolded.eval();
            using var noGrad = torch.no_grad();
            var xe = torch.rand(inputShape);
            Close(unfolded.forward(xe), folded.forward(xe), "eval output");
        }
    }

    /// <summary>momentum null = cumulative moving average (Distiller's 'cma' case).</summary>
    private static NormBase Momentum(NormBase bn, double? momentum)
    {
        bn.momentum = momentum;
        return bn;
    }

    [Theory]
    [InlineData(false, 0.1, true)]
    [InlineData(true, 0.1, true)]
    [InlineData(true, null, true)]
    [InlineData(true, 0.1, false)]
    [InlineData(false, null, false)]
    public void Linear(bool bias, double? momentum, bool affine) =>
        Run(() => nn.Linear(64, 128, hasBias: bias), () => Momentum(nn.BatchNorm1d(128, affine: affine), momentum), new long[] { 32, 64 }, bias, affine);

    [Theory]
    [InlineData(false, 0.1, true)]
    [InlineData(true, null, false)]
    public void Conv1d(bool bias, double? momentum, bool affine) =>
        Run(() => nn.Conv1d(3, 16, 5, bias: bias), () => Momentum(nn.BatchNorm1d(16, affine: affine), momentum), new long[] { 8, 3, 20 }, bias, affine);

    [Theory]
    [InlineData(false, 0.1, true)]
    [InlineData(true, 0.1, true)]
    [InlineData(true, null, false)]
    public void Conv2d(bool bias, double? momentum, bool affine) =>
        Run(() => nn.Conv2d(3, 8, 3, bias: bias), () => Momentum(nn.BatchNorm2d(8, affine: affine), momentum), new long[] { 4, 3, 16, 16 }, bias, affine);

    [Fact]
    public void Freeze_FoldsStatisticsIntoTheLayer()
    {
        torch.manual_seed(5);
        var folded = new SimulatedFoldedBatchNorm(nn.Linear(4, 3, hasBias: false), nn.BatchNorm1d(3), freezeBnDelay: 2);
        folded.train();
        for (int i = 0; i < 3; i++)
            folded.forward(torch.rand(8, 4));
        Assert.True(folded.Frozen);
        folded.eval();
        var bn = folded.BatchNorm;
        var layer = (Linear)folded.ParamModule;
        var x = torch.rand(5, 4);
        // frozen: y = x·W' + b' with the statistics folded in
        Assert.NotNull(layer.bias);
        Close(x.matmul(layer.weight!.t()) + layer.bias!, folded.forward(x), "frozen output");
        Assert.Equal(3, bn.num_batches_tracked!.item<long>());
    }

    [Fact]
    public void FoldForTraining_ReplacesPairsInAModel_KeepingTheFunction()
    {
        torch.manual_seed(6);
        var model = new PostTrainQuantizationTests.ConvBnReluNet();
        model.eval();
        var x = torch.randn(4, 1, 8, 8);
        var expected = model.forward(x).detach().clone();
        var pairs = Quantization.PostTraining.BatchNormFolding.FoldForTraining(model, ModelTrace.Run(model, x));
        Assert.Equal(("conv1", "bn1"), Assert.Single(pairs));
        Assert.IsType<SimulatedFoldedBatchNorm>(ModuleTree.Get(model, "conv1"));
        Assert.IsType<PassThrough>(ModuleTree.Get(model, "bn1"));
        Assert.Contains("conv1.param_module.weight", model.named_parameters().Select(p => p.name));
        model.eval();
        Assert.True(model.forward(x).allclose(expected, 1e-4, 1e-5));
    }
}
