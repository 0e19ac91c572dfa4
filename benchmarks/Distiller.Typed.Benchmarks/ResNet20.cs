using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Benchmarks;

/// <summary>
/// ResNet-20 for CIFAR-10 (He et al., "Deep Residual Learning for Image Recognition", 2016, section 4.2), as in
/// Distiller's <c>resnet_cifar.py</c>: a 3x3 conv to 16 channels, three stages of three basic blocks (16, 32, 64
/// channels; 1x1 conv + BN shortcuts when the shape changes), global average pooling and a 10-way linear layer.
/// </summary>
public sealed class ResNet20 : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Linear fc;

    public ResNet20(int numClasses = 10) : base(nameof(ResNet20))
    {
        conv1 = nn.Conv2d(3, 16, 3, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(16);
        layer1 = Stage(16, 16, 1);
        layer2 = Stage(16, 32, 2);
        layer3 = Stage(32, 64, 2);
        fc = nn.Linear(64, numClasses);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(bn1.call(conv1.call(input)));
        x = layer3.call(layer2.call(layer1.call(x)));
        x = nn.functional.adaptive_avg_pool2d(x, 1).flatten(1);
        return fc.call(x).MoveToOuterDisposeScope();
    }

    private static Sequential Stage(int inChannels, int outChannels, int stride) => nn.Sequential(
        ("0", new BasicBlock(inChannels, outChannels, stride)),
        ("1", new BasicBlock(outChannels, outChannels, 1)),
        ("2", new BasicBlock(outChannels, outChannels, 1)));

    private sealed class BasicBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1;
        private readonly BatchNorm2d bn1;
        private readonly Conv2d conv2;
        private readonly BatchNorm2d bn2;
        private readonly Sequential? downsample;

        public BasicBlock(int inChannels, int outChannels, int stride) : base(nameof(BasicBlock))
        {
            conv1 = nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
            bn1 = nn.BatchNorm2d(outChannels);
            conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1, bias: false);
            bn2 = nn.BatchNorm2d(outChannels);
            if (stride != 1 || inChannels != outChannels)
                downsample = nn.Sequential(("0", nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false)), ("1", nn.BatchNorm2d(outChannels)));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var x = nn.functional.relu(bn1.call(conv1.call(input)));
            x = bn2.call(conv2.call(x));
            var identity = downsample is null ? input : downsample.call(input);
            return nn.functional.relu(x + identity).MoveToOuterDisposeScope();
        }
    }
}
