using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distiller.Typed.Tests.Thinning;

/// <summary>
/// conv1 (2→4, 3×3, bias) → bn1 → relu → conv2 (4→6, 3×3) → bn2 → relu → flatten → fc (6·5·5 → 3), on 5×5 inputs:
/// a small conv net written the common way.
/// </summary>
internal sealed class SmallConvNet : Module<Tensor, Tensor>
{
    public readonly Conv2d conv1 = Conv2d(2, 4, 3, padding: 1);
    public readonly BatchNorm2d bn1 = BatchNorm2d(4);
    private readonly ReLU relu1 = ReLU();
    public readonly Conv2d conv2 = Conv2d(4, 6, 3, padding: 1, bias: false);
    public readonly BatchNorm2d bn2 = BatchNorm2d(6);
    private readonly ReLU relu2 = ReLU();
    private readonly Flatten flatten = Flatten();
    public readonly Linear fc = Linear(6 * 5 * 5, 3);

    public static readonly long[] InputShape = { 1, 2, 5, 5 };

    public SmallConvNet() : base(nameof(SmallConvNet)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = relu1.call(bn1.call(conv1.call(x)));
        y = relu2.call(bn2.call(conv2.call(y)));
        return fc.call(flatten.call(y)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// A ResNet-20 style block as TorchVision writes it: <c>relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))</c>, one
/// ReLU used twice, the residual added with <c>+</c>, a <c>downsample</c> (1×1 conv + BN) when the width changes.
/// </summary>
internal sealed class Block : Module<Tensor, Tensor>
{
    public readonly Conv2d conv1;
    public readonly BatchNorm2d bn1;
    private readonly ReLU relu = ReLU();
    public readonly Conv2d conv2;
    public readonly BatchNorm2d bn2;
    public readonly Sequential? downsample;

    public Block(long inPlanes, long planes, long stride) : base(nameof(Block))
    {
        conv1 = Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false);
        bn1 = BatchNorm2d(planes);
        conv2 = Conv2d(planes, planes, 3, padding: 1, bias: false);
        bn2 = BatchNorm2d(planes);
        if (stride != 1 || inPlanes != planes)
            downsample = Sequential(("0", Conv2d(inPlanes, planes, 1, stride: stride, bias: false)), ("1", BatchNorm2d(planes)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var output = relu.call(bn1.call(conv1.call(x)));
        output = bn2.call(conv2.call(output));
        var residual = downsample is null ? x : downsample.call(x);
        return relu.call(output + residual).MoveToOuterDisposeScope();
    }
}

/// <summary>Stem conv (1→4) + BN + ReLU, block (4→4, identity shortcut), block (4→8, stride 2, downsample), average pool, fc (8→3), on 8×8 inputs.</summary>
internal sealed class TinyResNet : Module<Tensor, Tensor>
{
    public readonly Conv2d conv1 = Conv2d(1, 4, 3, padding: 1, bias: false);
    public readonly BatchNorm2d bn1 = BatchNorm2d(4);
    private readonly ReLU relu = ReLU();
    public readonly Sequential layer1 = Sequential(("0", new Block(4, 4, 1)));
    public readonly Sequential layer2 = Sequential(("0", new Block(4, 8, 2)));
    private readonly AdaptiveAvgPool2d avgpool = AdaptiveAvgPool2d(1);
    public readonly Linear fc = Linear(8, 3);

    public static readonly long[] InputShape = { 1, 1, 8, 8 };

    public TinyResNet() : base(nameof(TinyResNet)) => RegisterComponents();

    public Block Block1 => (Block)layer1[0];
    public Block Block2 => (Block)layer2[0];

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = relu.call(bn1.call(conv1.call(x)));
        y = avgpool.call(layer2.call(layer1.call(y))).flatten(1);
        return fc.call(y).MoveToOuterDisposeScope();
    }
}

internal static class ThinningSetup
{
    /// <summary>Random batch-norm statistics and affine parameters, so that thinning is tested on non-trivial batch norms.</summary>
    public static void RandomizeBatchNorms(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (var module in model.modules())
            if (module is BatchNorm2d bn)
            {
                bn.weight!.uniform_(0.5, 1.5);
                bn.bias!.uniform_(-0.5, 0.5);
                bn.running_mean!.uniform_(-0.5, 0.5);
                bn.running_var!.uniform_(0.5, 1.5);
            }
    }

    /// <summary>
    /// Zeroes filter <paramref name="filter"/> of <paramref name="conv"/> and makes the batch norm after it output
    /// exactly zero for that channel (β = 0, running mean 0), as a channel pruned from the start of training ends up.
    /// </summary>
    public static void ZeroFilter(Conv2d conv, BatchNorm2d bn, long filter)
    {
        using var noGrad = no_grad();
        conv.weight![filter].zero_();
        conv.bias?[filter].zero_();
        bn.bias![filter].zero_();
        bn.running_mean![filter].zero_();
    }

    public static long ParameterCount(nn.Module model) => model.parameters().Sum(p => p.numel());
}
