using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distiller.Typed.Quantization.Tests.TypedModels;

/// <summary>
/// <see cref="TypedResNet"/> with every layer field typed <c>Module&lt;Tensor, Tensor&gt;</c>, so a quantizer can
/// swap the fields themselves: the reference the typed model's in-place replacement must match exactly.
/// </summary>
public sealed class WideResNet : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv1;
    private readonly Module<Tensor, Tensor> bn1;
    private readonly Module<Tensor, Tensor> relu;
    private readonly Sequential layer1;
    private readonly Module<Tensor, Tensor> avgpool;
    private readonly Module<Tensor, Tensor> fc;

    public WideResNet() : base(nameof(WideResNet))
    {
        conv1 = Conv2d(1, 4, kernel_size: 3, padding: 1, bias: false);
        bn1 = BatchNorm2d(4);
        relu = ReLU();
        layer1 = Sequential(("0", new WideBlock(4, 8, 2)), ("1", new WideBlock(8, 8, 1)));
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

public sealed class WideBlock : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv1;
    private readonly Module<Tensor, Tensor> bn1;
    private readonly Module<Tensor, Tensor> relu;
    private readonly Module<Tensor, Tensor> conv2;
    private readonly Module<Tensor, Tensor> bn2;
    private readonly Sequential? downsample;

    public WideBlock(long inPlanes, long planes, long stride) : base(nameof(WideBlock))
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
