using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Samples.Cifar;

/// <summary>Distiller's preact_resnet20_cifar (distiller/models/cifar10/preresnet_cifar.py): module names conv1,
/// layer1–3 of PreactBasicBlock, final_bn, final_relu, avgpool, fc.</summary>
[Distiller.Typed.CompressibleModel]
public sealed class PreActResNet20 : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv1;
    private readonly Sequential layer1 = Sequential();
    private readonly Sequential layer2 = Sequential();
    private readonly Sequential layer3 = Sequential();
    private readonly Module<Tensor, Tensor> final_bn;
    private readonly Module<Tensor, Tensor> final_relu;
    private readonly Module<Tensor, Tensor> avgpool;
    private readonly Module<Tensor, Tensor> fc;
    private long inplanes = 16;

    public PreActResNet20(int numClasses = 10) : base(nameof(PreActResNet20))
    {
        conv1 = Conv2d(3, 16, kernel_size: 3, stride: 1, padding: 1, bias: false);
        MakeLayer(layer1, 16, 3, 1);
        MakeLayer(layer2, 32, 3, 2);
        MakeLayer(layer3, 64, 3, 2);
        final_bn = BatchNorm2d(64);
        final_relu = ReLU(inplace: true);
        avgpool = AvgPool2d(8, stride: 1);
        fc = Linear(64, numClasses);
        RegisterComponents();
    }

    private void MakeLayer(Sequential layer, long planes, int blocks, long stride)
    {
        for (var i = 0; i < blocks; i++)
        {
            layer.append(new PreactBasicBlock(inplanes, planes, i == 0 ? stride : 1));
            inplanes = planes;
        }
    }

    public override Tensor forward(Tensor input)
    {
        var x = layer3.call(layer2.call(layer1.call(conv1.call(input))));
        x = final_relu.call(final_bn.call(x));
        return fc.call(avgpool.call(x).flatten(1));
    }
}

public sealed class PreactBasicBlock : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> pre_bn;
    private readonly Module<Tensor, Tensor> pre_relu;
    private readonly Module<Tensor, Tensor> conv1;
    private readonly Module<Tensor, Tensor> bn;
    private readonly Module<Tensor, Tensor> relu;
    private readonly Module<Tensor, Tensor> conv2;
    private readonly Module<Tensor, Tensor>? downsample;

    public PreactBasicBlock(long inplanes, long planes, long stride) : base(nameof(PreactBasicBlock))
    {
        pre_bn = BatchNorm2d(inplanes);
        pre_relu = ReLU(inplace: false);
        conv1 = Conv2d(inplanes, planes, kernel_size: 3, stride: stride, padding: 1, bias: false);
        bn = BatchNorm2d(planes);
        relu = ReLU(inplace: false);
        conv2 = Conv2d(planes, planes, kernel_size: 3, stride: 1, padding: 1, bias: false);
        if (stride != 1 || inplanes != planes)
        {
            downsample = Conv2d(inplanes, planes, kernel_size: 1, stride: stride, bias: false);
        }

        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = pre_relu.call(pre_bn.call(input));
        var residual = downsample is null ? input : downsample.call(x);
        x = conv2.call(relu.call(bn.call(conv1.call(x))));
        return x + residual;
    }
}
