using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distiller.Typed.Quantization.Tests.TypedModels;

/// <summary>
/// A small residual network written as TorchVision's ResNet is: fields typed as the layers they hold, one ReLU
/// module per block used twice, the residual added with <c>+</c>, children run with <c>call()</c>. Nothing in it
/// knows about quantization.
/// </summary>
[CompressibleModel]
public sealed class TypedResNet : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly Sequential layer1;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Linear fc;

    public TypedResNet() : base(nameof(TypedResNet))
    {
        conv1 = Conv2d(1, 4, kernel_size: 3, padding: 1, bias: false);
        bn1 = BatchNorm2d(4);
        relu = ReLU();
        layer1 = Sequential(("0", new TypedBlock(4, 8, 2)), ("1", new TypedBlock(8, 8, 1)));
        avgpool = AdaptiveAvgPool2d(1);
        fc = Linear(8, 10);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = relu.call(bn1.call(conv1.call(x)));
        y = layer1.call(y);
        return fc.call(avgpool.call(y).flatten(1));
    }
}

/// <summary>TorchVision's BasicBlock: <c>relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))</c>.</summary>
public sealed class TypedBlock : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    public TypedBlock(long inPlanes, long planes, long stride) : base(nameof(TypedBlock))
    {
        conv1 = Conv2d(inPlanes, planes, kernel_size: 3, stride: stride, padding: 1, bias: false);
        bn1 = BatchNorm2d(planes);
        relu = ReLU();
        conv2 = Conv2d(planes, planes, kernel_size: 3, padding: 1, bias: false);
        bn2 = BatchNorm2d(planes);
        if (stride != 1 || inPlanes != planes)
            downsample = Sequential(("0", Conv2d(inPlanes, planes, kernel_size: 1, stride: stride, bias: false)), ("1", BatchNorm2d(planes)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = relu.call(bn1.call(conv1.call(x)));
        y = bn2.call(conv2.call(y));
        var identity = downsample is null ? x : downsample.call(x);
        return relu.call(y + identity);
    }
}
