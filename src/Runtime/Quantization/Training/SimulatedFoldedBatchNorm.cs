using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Training;

/// <summary>
/// Simulated folding of a batch-norm into the Conv/Linear layer before it while training (Distiller's
/// <c>SimulatedFoldedBatchNorm</c>; Krishnamoorthi, "Quantizing deep convolutional networks for efficient inference",
/// https://arxiv.org/abs/1806.08342, §3.2.2). Training: the layer runs with the folded weight
/// <c>W·γ/σ_running</c> (optionally quantized), its output is corrected by <c>σ_running/σ_batch</c> and shifted by
/// <c>β − γ·μ_batch/σ_batch</c>, so the result equals conv→batch-norm in training mode while the weights that get
/// quantized are the folded ones; the batch-norm's running statistics are updated as PyTorch does (the layer's own
/// bias offsets only the running mean). Evaluation: <c>W·γ/σ_running</c> and <c>β − γ·(μ_running − b)/σ_running</c>.
/// After <c>freeze_bn_delay</c> batches the statistics are frozen and folded into the layer for good.
/// Children: <c>param_module</c> and <c>bn</c>.
/// </summary>
public sealed class SimulatedFoldedBatchNorm : nn.Module<Tensor, Tensor>
{
    /// <summary>Distiller's <c>FREEZE_BN_DELAY_DEFAULT</c>.</summary>
    public const long FreezeBnDelayDefault = 200000;

#pragma warning disable IDE1006 // child names as in Distiller
    private readonly nn.Module<Tensor, Tensor> param_module;
    private readonly NormBase bn;
#pragma warning restore IDE1006
    private ParamLayerOp _op;
    private readonly Func<Tensor, Tensor>? _quantize;
    private readonly int _outputDims;

    public SimulatedFoldedBatchNorm(nn.Module<Tensor, Tensor> paramModule, NormBase batchNorm, long freezeBnDelay = FreezeBnDelayDefault,
        Func<Tensor, Tensor>? paramQuantization = null) : base(nameof(SimulatedFoldedBatchNorm))
    {
        bool ok = (paramModule, batchNorm) switch
        {
            (Linear or Conv1d, BatchNorm1d) => true,
            (Conv2d, BatchNorm2d) => true,
            (Conv3d, BatchNorm3d) => true,
            _ => false,
        };
        if (!ok)
            throw new ArgumentException(
                $"Can't fold sequence of {paramModule.GetType().Name} --> {batchNorm.GetType().Name}. Foldable: Linear/Conv1d --> BatchNorm1d, " +
                "Conv2d --> BatchNorm2d, Conv3d --> BatchNorm3d.", nameof(batchNorm));
        if (!batchNorm.track_running_stats || batchNorm.running_mean is null || batchNorm.running_var is null)
            throw new ArgumentException("Simulated BN folding is only supported for BatchNorm which tracks running stats.", nameof(batchNorm));
        if (freezeBnDelay < 0)
            throw new ArgumentOutOfRangeException(nameof(freezeBnDelay), freezeBnDelay, "freeze_bn_delay must be >= 0.");
        param_module = paramModule;
        bn = batchNorm;
        _op = ParamLayerOp.For(paramModule, nameof(param_module));
        _quantize = paramQuantization;
        FreezeBnDelay = freezeBnDelay;
        _outputDims = paramModule switch { Linear => 2, Conv1d => 3, Conv2d => 4, _ => 5 };
        RegisterComponents();
    }

    public long FreezeBnDelay { get; }
    public bool Frozen { get; private set; }
    public nn.Module<Tensor, Tensor> ParamModule => param_module;
    public NormBase BatchNorm => bn;

    private Tensor? Quant(Tensor? t) => t is null || _quantize is null ? t : _quantize(t);

    /// <summary>A per-channel factor [C] viewed to broadcast over the layer output [N, C, ...].</summary>
    private Tensor BroadcastOutput(Tensor c) => c.reshape(c.shape.Concat(Enumerable.Repeat(1L, _outputDims - (int)c.dim() - 1)).ToArray());

    /// <summary>A per-channel factor [C] viewed to broadcast over the weight [C, ...].</summary>
    private Tensor BroadcastWeight(Tensor c) => c.reshape(c.shape.Concat(Enumerable.Repeat(1L, (int)_op.Weight.dim() - 1)).ToArray());

    private (Tensor W, Tensor? B, Tensor Gamma, Tensor Beta) Parameters()
    {
        var mean = bn.running_mean!;
        return (_op.Weight, _op.Bias, (Tensor?)bn.weight ?? torch.ones_like(mean), (Tensor?)bn.bias ?? torch.zeros_like(mean));
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        Tensor y;
        if (Frozen)
        {
            y = _op.Forward(input, Quant(_op.Weight)!, Quant(_op.Bias));
            return y.MoveToOuterDisposeScope();
        }
        var (w, b, gamma, beta) = Parameters();
        if (training)
        {
            var (batchMean, batchVar) = BatchStats(_op.Forward(input, w, null), b);
            var recipSigmaBatch = torch.rsqrt(batchVar + bn.eps);
            Tensor sigmaRunning;
            using (torch.no_grad())
                sigmaRunning = torch.sqrt(bn.running_var! + bn.eps);
            var wQuantized = Quant(w * BroadcastWeight(gamma / sigmaRunning))!;
            var recipC = BroadcastOutput(sigmaRunning * recipSigmaBatch);
            var biasQuantized = BroadcastOutput(Quant(beta - gamma * batchMean * recipSigmaBatch)!);
            y = _op.Forward(input, wQuantized, null) * recipC + biasQuantized;
        }
        else
        {
            Tensor recipSigmaRunning;
            using (torch.no_grad())
                recipSigmaRunning = torch.rsqrt(bn.running_var! + bn.eps);
            var wQuantized = Quant(w * BroadcastWeight(gamma * recipSigmaRunning))!;
            var correctedMean = b is null ? bn.running_mean! : bn.running_mean! - b;
            var biasQuantized = Quant(beta - gamma * correctedMean * recipSigmaRunning);
            y = _op.Forward(input, wQuantized, biasQuantized);
        }
        if (bn.num_batches_tracked is { } tracked && tracked.item<long>() > FreezeBnDelay)
            Freeze();
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>Batch mean and (biased) variance per channel; updates the batch-norm's running statistics like PyTorch.</summary>
    private (Tensor Mean, Tensor Var) BatchStats(Tensor x, Tensor? bias)
    {
        long channels = bn.num_features;
        var perChannel = x.transpose(0, 1).contiguous().reshape(channels, -1);
        var batchMean = perChannel.mean(new long[] { 1 });
        var batchVar = perChannel.var(1, unbiased: false);
        using (torch.no_grad())
        {
            bn.num_batches_tracked?.add_(1);
            var biasedMean = bias is null ? batchMean : batchMean + bias;
            double n = (double)x.numel() / channels;
            var correctedVar = batchVar * (n / (n - 1));
            double momentum = bn.momentum ?? 1.0 / bn.num_batches_tracked!.item<long>();
            bn.running_mean!.mul_(1 - momentum).add_(momentum * biasedMean);
            bn.running_var!.mul_(1 - momentum).add_(momentum * correctedVar);
        }
        return (batchMean, batchVar);
    }

    /// <summary>Folds the running statistics into the layer's weight and bias; afterwards the layer runs alone.</summary>
    public void Freeze()
    {
        if (Frozen)
            return;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var (w, b, gamma, beta) = Parameters();
        var recipSigmaRunning = torch.rsqrt(bn.running_var! + bn.eps);
        w.mul_(BroadcastWeight(gamma * recipSigmaRunning));
        var correctedMean = b is null ? bn.running_mean! : bn.running_mean! - b;
        var biasCorrected = beta - gamma * correctedMean * recipSigmaRunning;
        if (b is not null)
            b.copy_(biasCorrected);
        else
        {
            param_module.GetType().GetProperty("bias")!.SetValue(param_module, new Parameter(biasCorrected.clone().MoveToOuterDisposeScope()));
            _op = ParamLayerOp.For(param_module, nameof(param_module));
        }
        Frozen = true;
    }
}
