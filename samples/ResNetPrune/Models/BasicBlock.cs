using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distiller.Typed.Samples.ResNetPrune.Models;

/// <summary>
/// The two-convolution residual block of He et al., "Deep Residual Learning for Image Recognition" (CVPR 2016):
/// <c>relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))</c>, where the shortcut is the identity or, when the
/// block changes width or resolution, <c>downsample</c> = 1×1 convolution + batch norm (option B, as Distiller's
/// <c>resnet_cifar.py</c>). Written as TorchVision writes it: fields typed as the layers they hold, one ReLU module
/// used twice, the residual added with <c>+</c>. Field names are the PyTorch names: <c>conv1</c>, <c>bn1</c>,
/// <c>relu</c>, <c>conv2</c>, <c>bn2</c>, <c>downsample.0</c>, <c>downsample.1</c>.
/// </summary>
public sealed class BasicBlock : Module<Tensor, Tensor>
{
    // Declaration order is registration order, and therefore named_parameters() order, as in PyTorch. Children are
    // run with call() so hooks (compute summary, quantization of typed fields) fire.
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    public BasicBlock(long inPlanes, long planes, long stride) : base(nameof(BasicBlock))
    {
        conv1 = Conv3x3(inPlanes, planes, stride);
        bn1 = BatchNorm2d(planes);
        relu = ReLU();
        conv2 = Conv3x3(planes, planes, 1);
        bn2 = BatchNorm2d(planes);
        if (stride != 1 || inPlanes != planes)
            downsample = Sequential(
                ("0", Conv2d(inPlanes, planes, kernel_size: 1, stride: stride, bias: false)),
                ("1", BatchNorm2d(planes)));
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

    internal static Conv2d Conv3x3(long inPlanes, long outPlanes, long stride) =>
        Conv2d(inPlanes, outPlanes, kernel_size: 3, stride: stride, padding: 1, bias: false);
}
