using Distiller.Typed.Masks;
using Distiller.Typed.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.LearningRate;

/// <summary>A one-parameter model and SGD optimizer, driven epoch by epoch as the compression scheduler would.</summary>
internal sealed class LrHarness : IDisposable
{
    public LrHarness(double lr = 0.1, double momentum = 0.9)
    {
        Model = nn.Linear(1, 1);
        Masks = MaskDictionary.For(Model);
        Optimizer = optim.SGD(Model.parameters(), lr, momentum);
    }

    public nn.Module Model { get; }
    public MaskDictionary Masks { get; }
    public optim.Optimizer Optimizer { get; }

    public double Lr => Optimizer.ParamGroups.First().LearningRate;

    /// <summary>The LR each epoch 0..epochs-1 trains with, calling OnEpochEnd after each epoch.</summary>
    public double[] Run(LRPolicy policy, int epochs, Func<int, IReadOnlyDictionary<string, double>>? metrics = null, int firstEpoch = 0)
    {
        var lrs = new double[epochs];
        for (var e = 0; e < epochs; e++)
        {
            var epoch = firstEpoch + e;
            lrs[e] = Lr;
            policy.OnEpochEnd(Context(epoch, metrics?.Invoke(epoch)));
        }
        return lrs;
    }

    public EpochContext Context(int epoch, IReadOnlyDictionary<string, double>? metrics = null) =>
        new(Model, Masks, epoch, Optimizer) { Metrics = metrics ?? new Dictionary<string, double>() };

    public void Dispose()
    {
        Masks.Dispose();
        Model.Dispose();
    }
}
