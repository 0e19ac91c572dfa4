using Distiller.Typed.Training;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Training;

public class NonFiniteLossGuardTests
{
    [Fact]
    public void FiniteLossesPass()
    {
        var guard = new NonFiniteLossGuard();
        guard.Check(2.3, 0, 0);
        guard.Check(0.0, 4, 17);
        guard.Check(-1e30, 1, 1);
        using var loss = tensor(1.5f);
        guard.Check(loss, 0, 1);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+infinity")]
    [InlineData(double.NegativeInfinity, "-infinity")]
    public void ANonFiniteLossStopsWithEpochMinibatchAndCauses(double loss, string shown)
    {
        var guard = new NonFiniteLossGuard();
        var e = Assert.Throws<NonFiniteLossException>(() => guard.Check(loss, 2, 16));
        Assert.StartsWith($"The training loss became {shown} at epoch 3, minibatch 17;", e.Message);
        Assert.Contains("No checkpoint was saved before it.", e.Message);
        Assert.Contains("learning rate", e.Message);
        Assert.Contains("CPU kernels", e.Message);
        Assert.Equal((2, 16, "training"), (e.Epoch, e.Minibatch, e.Phase));
        Assert.Null(e.LastGoodCheckpoint);
    }

    [Fact]
    public void ASummedLossNamesTheMinibatchesItCovers()
    {
        var guard = new NonFiniteLossGuard();
        var e = Assert.Throws<NonFiniteLossException>(() => guard.Check(double.NaN, 0, 46, firstMinibatch: 38));
        Assert.StartsWith("The training loss became NaN at epoch 1, in one of minibatches 39-47 (their summed loss);", e.Message);
        Assert.Equal(46, e.Minibatch);
        var single = Assert.Throws<NonFiniteLossException>(() => guard.Check(double.NaN, 0, 46, firstMinibatch: 46));
        Assert.StartsWith("The training loss became NaN at epoch 1, minibatch 47;", single.Message);
        guard.Check(1.5, 0, 46, firstMinibatch: 0); // finite: no exception
    }

    [Fact]
    public void TheMessageNamesTheLastCheckpointSaved()
    {
        var guard = new NonFiniteLossGuard();
        guard.CheckpointSaved("run/checkpoint.ckpt", 0);
        guard.CheckpointSaved("run/checkpoint2.ckpt", 1);
        var e = Assert.Throws<NonFiniteLossException>(() => guard.Check(double.NaN, 2, 0, "validation"));
        Assert.Contains("The validation loss became NaN at epoch 3, minibatch 1;", e.Message);
        Assert.Contains("The last good checkpoint is run/checkpoint2.ckpt (saved after epoch 2)", e.Message);
        Assert.Equal("run/checkpoint2.ckpt", e.LastGoodCheckpoint);
    }

    [Fact]
    public void ANaNTensorIsCaughtLikeItsValue()
    {
        var guard = new NonFiniteLossGuard();
        using var loss = tensor(new[] { 1f, float.NaN }).sum();
        Assert.Throws<NonFiniteLossException>(() => guard.Check(loss, 0, 0));
    }
}
