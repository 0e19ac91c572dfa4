using TorchSharp;

namespace Distiller.Typed.Scheduling.Factories;

/// <summary>What Distiller's <c>build_component</c> supplies itself: the model, the instance name, the optimizer, the resume epoch.</summary>
/// <param name="InstanceName">The instance's name in the schedule, e.g. <c>my_pruner</c>.</param>
/// <param name="ClassName">The <c>class:</c> it names.</param>
/// <param name="Model">The model the schedule compresses.</param>
/// <param name="Optimizer">The training optimizer; never null for classes the catalogue marks <c>NeedsOptimizer</c>.</param>
/// <param name="ResumedEpoch">Distiller's <c>resumed_epoch</c>, passed to LR schedulers as <c>last_epoch</c>.</param>
public sealed record ComponentContext(string InstanceName, string ClassName, torch.nn.Module Model, torch.optim.Optimizer? Optimizer, int? ResumedEpoch)
{
    /// <summary>The model's input shape given to the schedule builder, if any (thinning traces a dummy input of it).</summary>
    public long[]? InputShape { get; init; }

    /// <summary>The optimizer, for classes that need one (the builder checks this before creating anything).</summary>
    public torch.optim.Optimizer RequireOptimizer() =>
        Optimizer ?? throw new InvalidOperationException($"{ClassName} '{InstanceName}' needs the optimizer, and none was given.");
}

/// <summary>
/// Creates one schedule component from its checked arguments: an <see cref="Pruning.IPruner"/>, an
/// <see cref="Regularization.IRegularizer"/>, or a ready <see cref="Policies.Policy"/> (LR schedulers, quantizers).
/// </summary>
public delegate object ComponentCreator(ComponentContext context, ComponentArguments arguments);
