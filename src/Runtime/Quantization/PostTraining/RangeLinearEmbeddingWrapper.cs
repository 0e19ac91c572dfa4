using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.PostTraining;

/// <summary>
/// Post-training quantization of an Embedding (Distiller's <c>RangeLinearEmbeddingWrapper</c>): the table is replaced
/// by its integer values, the looked-up rows are de-quantized, <c>y = (w_q[i] + zp_w)/s_w</c>, and carry the weights'
/// quantization metadata to the next layer. Range from the weights or from the module's output statistics.
/// </summary>
public sealed class RangeLinearEmbeddingWrapper : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly nn.Module<Tensor, Tensor> wrapped_module;
    private Tensor w_scale;
    private Tensor w_zero_point;
#pragma warning restore IDE1006
    private readonly ParamLayerOp _op;

    public RangeLinearEmbeddingWrapper(Embedding wrappedModule, string name, int numBits, ModuleQuantMode? mode = null, ModuleStats? stats = null)
        : base(nameof(RangeLinearEmbeddingWrapper))
    {
        mode ??= new ModuleQuantMode(LinearQuantMode.Symmetric);
        Mode = mode;
        wrapped_module = wrappedModule;
        _op = ParamLayerOp.For(wrappedModule, name);
        (MinQ, MaxQ) = LinearQuantization.QuantizedRange(numBits, mode.Weights);
        using var noGrad = torch.no_grad();
        (w_scale, w_zero_point) = stats is null
            ? QuantParams.FromTensor(_op.Weight, numBits, mode.Weights)
            : QuantParams.FromStats(stats.Output, numBits, mode.Weights);
        _op.Weight.copy_(LinearQuantization.QuantizeClamp(_op.Weight, w_scale, w_zero_point, MinQ, MaxQ));
        RegisterComponents();
        train(false);
    }

    public ModuleQuantMode Mode { get; }
    public long MinQ { get; }
    public long MaxQ { get; }
    public Tensor WeightScale => w_scale;
    public Tensor WeightZeroPoint => w_zero_point;

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var outQ = _op.Forward(input, _op.Weight, null);
        var s = w_scale.to(outQ.device);
        var z = w_zero_point.to(outQ.device);
        var outF = LinearQuantization.Dequantize(outQ, s, z).MoveToOuterDisposeScope();
        QuantMetadata.Attach(outF, new TensorQuantMetadata(s.clone().DetachFromDisposeScope(), z.clone().DetachFromDisposeScope(), MinQ, MaxQ));
        return outF;
    }
}
