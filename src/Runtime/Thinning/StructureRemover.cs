using Distiller.Typed.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Thinning;

/// <summary>
/// The schedule's thinning extension (Distiller's <c>StructureRemover</c>, alias <c>FilterRemover</c> /
/// <c>ChannelRemover</c>): in each epoch its policy is active it thins the model once, at the first minibatch —
/// after the pruners have applied their masks at that minibatch's start, which is why Distiller's example schedules
/// declare the thinning policy before the pruners that start in the same epoch.
/// </summary>
public sealed class StructureRemover : Policy
{
    private readonly string _name;
    private bool _done;

    /// <param name="name">The instance name from the schedule.</param>
    /// <param name="function">remove_filters or remove_channels.</param>
    /// <param name="arch">The architecture name the schedule gives (recorded, as Distiller).</param>
    /// <param name="inputShape">The dummy input's shape for tracing.</param>
    public StructureRemover(string name, ThinningFunction function, string arch, long[] inputShape)
    {
        _name = name;
        Function = function;
        Arch = arch;
        InputShape = inputShape;
    }

    public override string Name => _name;
    public ThinningFunction Function { get; }
    public string Arch { get; }
    public long[] InputShape { get; }

    /// <summary>What the last thinning removed, or null before the first.</summary>
    public ThinningResult? LastResult { get; private set; }

    public override void OnMinibatchBegin(MinibatchContext context)
    {
        if (_done)
            return;
        if (context.Model is not nn.Module<Tensor, Tensor> model)
            throw new InvalidOperationException(
                $"Thinning '{_name}' traces a forward pass, so the model must be an nn.Module<Tensor, Tensor>; {context.Model.GetType().Name} is not.");
        LastResult = NetworkThinning.Thin(model, Function, InputShape, context.Optimizer, context.Masks);
        _done = true;
    }

    public override void OnEpochEnd(EpochContext context) => _done = false;
}
