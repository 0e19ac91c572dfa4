using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Samples.ImageNet;

/// <summary>torchvision's resnet50 (Bottleneck blocks [3, 4, 6, 3]) written as TorchSharp's ResNet is.</summary>
[Distiller.Typed.CompressibleModel]
public sealed class ResNet50 : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv1;
    private readonly Module<Tensor, Tensor> bn1;
    private readonly Module<Tensor, Tensor> relu;
    private readonly Module<Tensor, Tensor> maxpool;
    private readonly Sequential layer1 = Sequential();
    private readonly Sequential layer2 = Sequential();
    private readonly Sequential layer3 = Sequential();
    private readonly Sequential layer4 = Sequential();
    private readonly Module<Tensor, Tensor> avgpool;
    private readonly Module<Tensor, Tensor> fc;
    private long inplanes = 64;

    public ResNet50(int numClasses = 1000) : base(nameof(ResNet50))
    {
        conv1 = Conv2d(3, 64, kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = BatchNorm2d(64);
        relu = ReLU(inplace: true);
        maxpool = MaxPool2d(kernel_size: 3, stride: 2, padding: 1);
        MakeLayer(layer1, 64, 3, 1);
        MakeLayer(layer2, 128, 4, 2);
        MakeLayer(layer3, 256, 6, 2);
        MakeLayer(layer4, 512, 3, 2);
        avgpool = AdaptiveAvgPool2d(1);
        fc = Linear(512 * Bottleneck.Expansion, numClasses);
        RegisterComponents();
    }

    private void MakeLayer(Sequential layer, long planes, int blocks, long stride)
    {
        for (var i = 0; i < blocks; i++)
        {
            layer.append(new Bottleneck(inplanes, planes, i == 0 ? stride : 1));
            inplanes = planes * Bottleneck.Expansion;
        }
    }

    public override Tensor forward(Tensor input)
    {
        var x = maxpool.call(relu.call(bn1.call(conv1.call(input))));
        x = layer4.call(layer3.call(layer2.call(layer1.call(x))));
        return fc.call(avgpool.call(x).flatten(1));
    }
}

public sealed class Bottleneck : Module<Tensor, Tensor>
{
    public const long Expansion = 4;

    private readonly Module<Tensor, Tensor> conv1;
    private readonly Module<Tensor, Tensor> bn1;
    private readonly Module<Tensor, Tensor> conv2;
    private readonly Module<Tensor, Tensor> bn2;
    private readonly Module<Tensor, Tensor> conv3;
    private readonly Module<Tensor, Tensor> bn3;
    private readonly Module<Tensor, Tensor> relu;
    private readonly Module<Tensor, Tensor>? downsample;

    public Bottleneck(long inplanes, long planes, long stride) : base(nameof(Bottleneck))
    {
        conv1 = Conv2d(inplanes, planes, kernel_size: 1, bias: false);
        bn1 = BatchNorm2d(planes);
        conv2 = Conv2d(planes, planes, kernel_size: 3, stride: stride, padding: 1, bias: false);
        bn2 = BatchNorm2d(planes);
        conv3 = Conv2d(planes, planes * Expansion, kernel_size: 1, bias: false);
        bn3 = BatchNorm2d(planes * Expansion);
        relu = ReLU(inplace: true);
        downsample = stride != 1 || inplanes != planes * Expansion
            ? Sequential(Conv2d(inplanes, planes * Expansion, kernel_size: 1, stride: stride, bias: false), BatchNorm2d(planes * Expansion))
            : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var identity = downsample is null ? input : downsample.call(input);
        var x = relu.call(bn1.call(conv1.call(input)));
        x = relu.call(bn2.call(conv2.call(x)));
        x = bn3.call(conv3.call(x));
        return relu.call(x + identity);
    }
}
