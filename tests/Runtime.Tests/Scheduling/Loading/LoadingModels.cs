using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Scheduling.Loading;

/// <summary>Tiny models with exactly the parameter names the reference schedules in schedules/ use.</summary>
internal static class LoadingModels
{
    /// <summary>torchvision AlexNet's names: features.{0,3,6,8,10} convs, classifier.{1,4,6} linears; 3×16×16 input.</summary>
    public sealed class AlexNetLike : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> features;
        private readonly nn.Module<Tensor, Tensor> classifier;

        public AlexNetLike() : base(nameof(AlexNetLike))
        {
            features = nn.Sequential(
                ("0", nn.Conv2d(3, 8, 3, padding: 1)), ("1", nn.ReLU()), ("2", nn.MaxPool2d(2)),
                ("3", nn.Conv2d(8, 12, 3, padding: 1)), ("4", nn.ReLU()), ("5", nn.MaxPool2d(2)),
                ("6", nn.Conv2d(12, 16, 3, padding: 1)), ("7", nn.ReLU()),
                ("8", nn.Conv2d(16, 16, 3, padding: 1)), ("9", nn.ReLU()),
                ("10", nn.Conv2d(16, 12, 3, padding: 1)), ("11", nn.ReLU()), ("12", nn.MaxPool2d(2)));
            classifier = nn.Sequential(
                ("0", nn.Dropout(0.0)), ("1", nn.Linear(12 * 2 * 2, 64)), ("2", nn.ReLU()),
                ("3", nn.Dropout(0.0)), ("4", nn.Linear(64, 32)), ("5", nn.ReLU()),
                ("6", nn.Linear(32, 10)));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => classifier.call(features.call(input).flatten(1));
    }

    /// <summary>
    /// The module names the reference DoReFa schedule overrides (conv1, relu1, final_relu, fc) plus a middle conv and
    /// ReLU it quantizes; layers are declared as Module&lt;Tensor, Tensor&gt; so a quantizer can replace them.
    /// </summary>
    public sealed class PreActLike : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> conv1;
        private readonly nn.Module<Tensor, Tensor> relu1;
        private readonly nn.Module<Tensor, Tensor> conv2;
        private readonly nn.Module<Tensor, Tensor> relu2;
        private readonly nn.Module<Tensor, Tensor> final_relu;
        private readonly nn.Module<Tensor, Tensor> fc;

        public PreActLike() : base(nameof(PreActLike))
        {
            conv1 = nn.Conv2d(1, 4, 3, padding: 1);
            relu1 = nn.ReLU();
            conv2 = nn.Conv2d(4, 4, 3, padding: 1);
            relu2 = nn.ReLU();
            final_relu = nn.ReLU();
            fc = nn.Linear(4 * 4 * 4, 10);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) =>
            fc.call(final_relu.call(relu2.call(conv2.call(relu1.call(conv1.call(input))))).flatten(1));
    }

    /// <summary>A ResNet-50 bottleneck's conv names (conv1 1×1, conv2 3×3, conv3 1×1).</summary>
    public sealed class Bottleneck : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> conv1;
        private readonly nn.Module<Tensor, Tensor> conv2;
        private readonly nn.Module<Tensor, Tensor> conv3;

        public Bottleneck(long channels) : base(nameof(Bottleneck))
        {
            conv1 = nn.Conv2d(channels, 4, 1, bias: false);
            conv2 = nn.Conv2d(4, 4, 3, padding: 1, bias: false);
            conv3 = nn.Conv2d(4, channels, 1, bias: false);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => input + conv3.call(conv2.call(conv1.call(input).relu()).relu());
    }

    /// <summary>ResNet-50's names down to layer3.{0,1,2}.conv{1,2,3}.weight (plus conv1 and fc), tiny.</summary>
    public sealed class ResNet50Like : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> conv1;
        private readonly nn.Module<Tensor, Tensor> layer3;
        private readonly nn.Module<Tensor, Tensor> fc;

        public ResNet50Like() : base(nameof(ResNet50Like))
        {
            conv1 = nn.Conv2d(3, 8, 3, padding: 1, bias: false);
            layer3 = nn.Sequential(("0", new Bottleneck(8)), ("1", new Bottleneck(8)), ("2", new Bottleneck(8)));
            fc = nn.Linear(8, 10);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => fc.call(layer3.call(conv1.call(input)).mean(new long[] { 2, 3 }));
    }

    public static string Schedules
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Distiller.Typed.sln")))
                dir = dir.Parent;
            return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Distiller.Typed.sln not found"), "schedules");
        }
    }
}
