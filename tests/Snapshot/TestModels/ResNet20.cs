using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Samples.Cifar;

/// <summary>Distiller's resnet20_cifar in TorchSharp's style: layers filled by append in a loop, as
/// TorchSharp's own torchvision ResNet does.</summary>
[Distiller.Typed.CompressibleModel]
public sealed class ResNet20 : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv1;
    private readonly Module<Tensor, Tensor> bn1;
    private readonly Module<Tensor, Tensor> relu;
    private readonly Sequential layer1 = Sequential();
    private readonly Sequential layer2 = Sequential();
    private readonly Sequential layer3 = Sequential();
    private readonly Module<Tensor, Tensor> avgpool;
    private readonly Module<Tensor, Tensor> fc;
    private int inplanes = 16;

    public ResNet20(int numClasses = 10) : base(nameof(ResNet20))
    {
        conv1 = Conv2d(3, 16, kernel_size: 3, stride: 1, padding: 1, bias: false);
        bn1 = BatchNorm2d(16);
        relu = ReLU(inplace: true);
        MakeLayer(layer1, 16, 3, 1);
        MakeLayer(layer2, 32, 3, 2);
        MakeLayer(layer3, 64, 3, 2);
        avgpool = AvgPool2d(8, stride: 1);
        fc = Linear(64, numClasses);
        RegisterComponents();
    }

    private void MakeLayer(Sequential layer, int planes, int blocks, int stride)
    {
        layer.append(new BasicBlock(inplanes, planes, stride));
        inplanes = planes;
        for (var i = 1; i < blocks; i++)
        {
            layer.append(new BasicBlock(inplanes, planes, 1));
        }
    }

    public override Tensor forward(Tensor input)
    {
        var x = relu.call(bn1.call(conv1.call(input)));
        x = layer3.call(layer2.call(layer1.call(x)));
        return fc.call(avgpool.call(x).flatten(1));
    }
}

/// <summary>Not annotated: analysed because ResNet20 contains it.</summary>
public sealed class BasicBlock : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv1;
    private readonly Module<Tensor, Tensor> bn1;
    private readonly Module<Tensor, Tensor> relu1;
    private readonly Module<Tensor, Tensor> conv2;
    private readonly Module<Tensor, Tensor> bn2;
    private readonly Module<Tensor, Tensor> relu2;
    private readonly Module<Tensor, Tensor>? downsample;

    public BasicBlock(int inplanes, int planes, int stride) : base(nameof(BasicBlock))
    {
        conv1 = Conv2d(inplanes, planes, kernel_size: 3, stride: stride, padding: 1, bias: false);
        bn1 = BatchNorm2d(planes);
        relu1 = ReLU(inplace: false);
        conv2 = Conv2d(planes, planes, kernel_size: 3, stride: 1, padding: 1, bias: false);
        bn2 = BatchNorm2d(planes);
        relu2 = ReLU(inplace: false);
        if (stride != 1 || inplanes != planes)
        {
            downsample = Sequential(
                Conv2d(inplanes, planes, kernel_size: 1, stride: stride, bias: false),
                BatchNorm2d(planes));
        }

        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var residual = downsample is null ? input : downsample.call(input);
        var x = relu1.call(bn1.call(conv1.call(input)));
        x = bn2.call(conv2.call(x));
        return relu2.call(x + residual);
    }
}
