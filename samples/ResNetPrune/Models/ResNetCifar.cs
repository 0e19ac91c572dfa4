using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distiller.Typed.Samples.ResNetPrune.Models;

/// <summary>
/// The CIFAR ResNet family of He et al., "Deep Residual Learning for Image Recognition" (CVPR 2016, section 4.2),
/// as Distiller's <c>models/cifar10/resnet_cifar.py</c> builds it: <c>conv1</c>+<c>bn1</c>, three stages
/// <c>layer1..layer3</c> of <see cref="BasicBlock"/>s (the 2nd and 3rd halve the resolution), global average pooling
/// <c>avgpool</c> and the classifier <c>fc</c>. Depth = 6·blocks + 2.
/// Adapted to Fashion-MNIST: one input channel, and an adaptive average pool (28×28 input leaves 7×7 maps where
/// CIFAR's 32×32 leaves 8×8). Initialisation as Distiller: conv weights ~ N(0, 2/(k·k·out_channels)), batch-norm
/// weight 1 and bias 0, PyTorch's default for <c>fc</c>.
/// </summary>
public abstract class ResNetCifar : Module<Tensor, Tensor>
{
    public const int NumClasses = 10;
    public const int InputChannels = 1;

    // Fields typed as the layers they hold, as TorchVision writes ResNets; quantizers use the model as it is.
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Linear fc;

    /// <param name="name">The module's type name.</param>
    /// <param name="blocksPerStage">BasicBlocks in each of the three stages (3 for ResNet-20, 5 for ResNet-32, 9 for ResNet-56).</param>
    /// <param name="baseWidth">Channels of the first stage; the second and third have 2× and 4× (16 in the paper).</param>
    protected ResNetCifar(string name, int blocksPerStage, int baseWidth) : base(name)
    {
        if (blocksPerStage < 1)
            throw new ArgumentOutOfRangeException(nameof(blocksPerStage), blocksPerStage, "A ResNet stage needs at least one block.");
        if (baseWidth < 1)
            throw new ArgumentOutOfRangeException(nameof(baseWidth), baseWidth, "The first stage needs at least one channel.");

        conv1 = BasicBlock.Conv3x3(InputChannels, baseWidth, 1);
        bn1 = BatchNorm2d(baseWidth);
        relu = ReLU();
        long inPlanes = baseWidth;
        layer1 = MakeStage(ref inPlanes, baseWidth, blocksPerStage, 1);
        layer2 = MakeStage(ref inPlanes, 2 * baseWidth, blocksPerStage, 2);
        layer3 = MakeStage(ref inPlanes, 4 * baseWidth, blocksPerStage, 2);
        avgpool = AdaptiveAvgPool2d(1);
        fc = Linear(4 * baseWidth, NumClasses);
        RegisterComponents();
        Initialize();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var output = relu.call(bn1.call(conv1.call(x)));
        output = layer3.call(layer2.call(layer1.call(output)));
        output = avgpool.call(output).flatten(1);
        return fc.call(output).MoveToOuterDisposeScope();
    }

    private static Sequential MakeStage(ref long inPlanes, long planes, int blocks, long stride)
    {
        var stage = new (string, Module<Tensor, Tensor>)[blocks];
        stage[0] = ("0", new BasicBlock(inPlanes, planes, stride));
        inPlanes = planes;
        for (var i = 1; i < blocks; i++)
            stage[i] = (i.ToString(System.Globalization.CultureInfo.InvariantCulture), new BasicBlock(inPlanes, planes, 1));
        return Sequential(stage);
    }

    private void Initialize()
    {
        using var noGrad = no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    var fanOut = conv.weight!.shape[0] * conv.weight.shape[2] * conv.weight.shape[3];
                    conv.weight.normal_(0, Math.Sqrt(2.0 / fanOut));
                    break;
                case BatchNorm2d bn:
                    bn.weight!.fill_(1);
                    bn.bias!.zero_();
                    break;
            }
        }
    }
}

/// <summary>ResNet-20: 3 blocks per stage, 16/32/64 channels, 272,186 parameters with one input channel (Distiller's <c>resnet20_cifar</c>).</summary>
[CompressibleModel]
public sealed class ResNet20 : ResNetCifar
{
    public ResNet20() : base(nameof(ResNet20), blocksPerStage: 3, baseWidth: 16) { }
}

/// <summary>ResNet-32: 5 blocks per stage, 16/32/64 channels, 466,618 parameters with one input channel (Distiller's <c>resnet32_cifar</c>).</summary>
[CompressibleModel]
public sealed class ResNet32 : ResNetCifar
{
    public ResNet32() : base(nameof(ResNet32), blocksPerStage: 5, baseWidth: 16) { }
}

/// <summary>ResNet-56: 9 blocks per stage, 16/32/64 channels, 855,482 parameters with one input channel (Distiller's <c>resnet56_cifar</c>).</summary>
[CompressibleModel]
public sealed class ResNet56 : ResNetCifar
{
    public ResNet56() : base(nameof(ResNet56), blocksPerStage: 9, baseWidth: 16) { }
}

/// <summary>
/// The fast variant: ResNet-20's depth and parameter names at half its width (8/16/32 channels), so a quarter of
/// its multiply-accumulates and 69 K parameters. A schedule written for ResNet-20's layer names applies to it
/// unchanged; it is the default architecture so that the default job fits in minutes on two CPU cores.
/// </summary>
[CompressibleModel]
public sealed class ResNet20Narrow : ResNetCifar
{
    public ResNet20Narrow() : base(nameof(ResNet20Narrow), blocksPerStage: 3, baseWidth: 8) { }
}
