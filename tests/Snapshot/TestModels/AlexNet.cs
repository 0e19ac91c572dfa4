using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Samples.Vision;

/// <summary>AlexNet as torchvision builds it: `features` and `classifier` Sequentials of positional layers.</summary>
[Distiller.Typed.CompressibleModel]
public sealed class AlexNet : Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Sequential classifier;

    public AlexNet(int numClasses = 1000) : base(nameof(AlexNet))
    {
        features = Sequential(
            Conv2d(3, 64, kernel_size: 11, stride: 4, padding: 2),
            ReLU(inplace: true),
            MaxPool2d(kernel_size: 3, stride: 2),
            Conv2d(64, 192, kernel_size: 5, padding: 2),
            ReLU(inplace: true),
            MaxPool2d(kernel_size: 3, stride: 2),
            Conv2d(192, 384, kernel_size: 3, padding: 1),
            ReLU(inplace: true),
            Conv2d(384, 256, kernel_size: 3, padding: 1),
            ReLU(inplace: true),
            Conv2d(256, 256, kernel_size: 3, padding: 1),
            ReLU(inplace: true),
            MaxPool2d(kernel_size: 3, stride: 2));
        avgpool = AdaptiveAvgPool2d(new long[] { 6, 6 });
        classifier = Sequential(
            Dropout(),
            Linear(256 * 6 * 6, 4096),
            ReLU(inplace: true),
            Dropout(),
            Linear(4096, 4096),
            ReLU(inplace: true),
            Linear(4096, numClasses));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = features.call(input);
        x = avgpool.call(x);
        x = x.flatten(1);
        return classifier.call(x);
    }
}
