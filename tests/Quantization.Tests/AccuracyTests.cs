using Distiller.Typed.Masks;
using Distiller.Typed.Policies;
using Distiller.Typed.Quantization;
using Distiller.Typed.Quantization.Calibration;
using Distiller.Typed.Quantization.PostTraining;
using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Tests;

/// <summary>
/// A small CNN trained once on Fashion-MNIST images, shared by the accuracy tests: 6,000 training and 1,000 test
/// images of the full set, or all 2,000 + 500 of the shipped subset where the full set is not installed (then for three
/// times the epochs, so both see the same number of steps).
/// </summary>
public sealed class FashionMnistFixture
{
    public const int BatchSize = 50;
    private const int StepsToTrain = 2 * 6000 / BatchSize;

    public FashionMnistFixture()
    {
        torch.set_num_threads(1);
        torch.manual_seed(42);
        TrainCount = Math.Min(6000, FashionMnist.Count(train: true));
        TestCount = Math.Min(1000, FashionMnist.Count(train: false));
        (TrainX, TrainY) = FashionMnist.Load(train: true, TrainCount);
        (TestX, TestY) = FashionMnist.Load(train: false, TestCount);
        var model = new SmallCnn();
        var optimizer = optim.Adam(model.parameters(), 2e-3);
        Train(model, optimizer, epochs: StepsToTrain / (TrainCount / BatchSize));
        State = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        FloatAccuracy = Accuracy(model);
    }

    public int TrainCount { get; }
    public int TestCount { get; }
    public Tensor TrainX { get; }
    public Tensor TrainY { get; }
    public Tensor TestX { get; }
    public Tensor TestY { get; }
    public Dictionary<string, Tensor> State { get; }
    public double FloatAccuracy { get; }

    public SmallCnn TrainedCopy()
    {
        var m = new SmallCnn();
        m.load_state_dict(State);
        return m;
    }

    public void Train(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, int epochs, Policy? policy = null)
    {
        model.train();
        int batches = TrainCount / BatchSize;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var perm = torch.randperm(TrainCount);
            for (int b = 0; b < batches; b++)
            {
                using var scope = torch.NewDisposeScope();
                var idx = perm[(b * BatchSize)..((b + 1) * BatchSize)];
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.forward(TrainX.index_select(0, idx)), TrainY.index_select(0, idx));
                loss.backward();
                optimizer.step();
                policy?.OnMinibatchEnd(new MinibatchContext(model, new MaskDictionary(), epoch, b, batches, optimizer));
            }
        }
    }

    /// <summary>Top-1 accuracy in percent on the held-out images.</summary>
    public double Accuracy(nn.Module<Tensor, Tensor> model)
    {
        model.eval();
        using var noGrad = torch.no_grad();
        long correct = 0;
        for (int i = 0; i < TestCount; i += 250)
        {
            using var scope = torch.NewDisposeScope();
            var end = Math.Min(i + 250, TestCount);
            var pred = model.forward(TestX[i..end]).argmax(1);
            correct += pred.eq(TestY[i..end]).sum().item<long>();
        }
        return 100.0 * correct / TestCount;
    }
}

/// <summary>
/// conv(1→16)-bn-relu-pool, conv(16→32)-bn-relu-pool, fc(32·7·7→10), written as people write TorchSharp models:
/// fields typed as the layers they hold, children run with <c>call()</c>.
/// </summary>
public sealed class SmallCnn : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1 = nn.Conv2d(1, 16, 3, padding: 1);
    private readonly BatchNorm2d bn1 = nn.BatchNorm2d(16);
    private readonly ReLU relu1 = nn.ReLU();
    private readonly MaxPool2d pool1 = nn.MaxPool2d(2);
    private readonly Conv2d conv2 = nn.Conv2d(16, 32, 3, padding: 1);
    private readonly BatchNorm2d bn2 = nn.BatchNorm2d(32);
    private readonly ReLU relu2 = nn.ReLU();
    private readonly MaxPool2d pool2 = nn.MaxPool2d(2);
    private readonly Flatten flatten = nn.Flatten();
    private readonly Linear fc = nn.Linear(32 * 7 * 7, 10);

    public SmallCnn() : base(nameof(SmallCnn)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        x = pool1.call(relu1.call(bn1.call(conv1.call(x))));
        x = pool2.call(relu2.call(bn2.call(conv2.call(x))));
        return fc.call(flatten.call(x));
    }
}

/// <summary>The "done when": 8-bit PTQ after calibration and DoReFa w4/a8 training keep Fashion-MNIST accuracy.</summary>
public class AccuracyTests : IClassFixture<FashionMnistFixture>
{
    private readonly FashionMnistFixture _data;
    private readonly ITestOutputHelper _out;

    public AccuracyTests(FashionMnistFixture data, ITestOutputHelper output)
    {
        _data = data;
        _out = output;
    }

    [Fact]
    public void PostTraining8Bit_AfterCalibration_DropsAtMostOnePoint()
    {
        var model = _data.TrainedCopy();
        model.eval();
        var calibration = Enumerable.Range(0, 4).Select(i => _data.TrainX[(i * 250)..((i + 1) * 250)]).ToList();
        var stats = new QuantCalibrationStatsCollector(model).Collect(calibration);
        var quantizer = new PostTrainLinearQuantizer(model, bitsActivations: 8, bitsParameters: 8, bitsAccum: 32, modelActivationStats: stats);
        quantizer.PrepareModel(calibration[0][..2]);
        Assert.IsType<RangeLinearQuantParamLayerWrapper>(ModuleTree.Get(model, "conv1"));
        Assert.IsType<RangeLinearQuantParamLayerWrapper>(ModuleTree.Get(model, "fc"));
        double acc = _data.Accuracy(model);
        _out.WriteLine($"{FashionMnist.Directory}: float {_data.FloatAccuracy:F1}%  8-bit PTQ {acc:F1}%");
        Assert.True(_data.FloatAccuracy > 80, $"the float model should learn Fashion-MNIST (got {_data.FloatAccuracy}%)");
        Assert.True(acc >= _data.FloatAccuracy - 1, $"8-bit PTQ accuracy {acc}% vs float {_data.FloatAccuracy}%");
    }

    [Fact]
    public void DorefaW4A8_Schedule_TrainsWithinThreePoints()
    {
        torch.manual_seed(7);
        var model = _data.TrainedCopy();
        var optimizer = optim.Adam(model.parameters(), 1e-3);
        var quantizer = QuantizerFactory.Create("DorefaQuantizer", model, optimizer,
            new Dictionary<string, object?>
            {
                ["class"] = "DorefaQuantizer", ["bits_activations"] = 8, ["bits_weights"] = 4,
                // As Distiller's examples/quantization/quant_aware_train/preact_resnet_cifar_dorefa.yaml: first and last layers stay in float.
                ["overrides"] = new Dictionary<string, object?>
                {
                    ["conv1"] = new Dictionary<string, object?> { ["bits_weights"] = null, ["bits_activations"] = null },
                    ["fc"] = new Dictionary<string, object?> { ["bits_weights"] = null, ["bits_activations"] = null },
                },
            });
        var policy = new QuantizationPolicy(quantizer);
        Assert.True(InPlaceWeightQuantization.IsAttached(ModuleTree.Get(model, "conv2")));
        Assert.False(InPlaceWeightQuantization.IsAttached(ModuleTree.Get(model, "conv1")));
        Assert.IsType<Quantization.Training.ClippedLinearQuantization>(ModuleTree.Get(model, "relu2"));
        _data.Train(model, optimizer, epochs: 2, policy);
        var conv2 = ModuleTree.Get(model, "conv2");
        Assert.True(InPlaceWeightQuantization.Quantized(conv2, "weight").unique().Item1.shape[0] <= 16, "4-bit weights have at most 16 levels");
        double acc = _data.Accuracy(model);
        _out.WriteLine($"{FashionMnist.Directory}: float {_data.FloatAccuracy:F1}%  DoReFa w4/a8 {acc:F1}%");
        Assert.True(acc >= _data.FloatAccuracy - 3, $"DoReFa w4/a8 accuracy {acc}% vs float {_data.FloatAccuracy}%");
    }
}
