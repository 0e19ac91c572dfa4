using static TorchSharp.torch;

namespace Distiller.Typed.Policies;

/// <summary>One named term a policy added to the loss (e.g. "L1Regularizer_loss").</summary>
public sealed record LossComponent(string Name, Tensor Value);

/// <summary>The loss after a policy's terms were added, and those terms by name (Distiller's <c>PolicyLoss</c>).</summary>
public sealed record PolicyLoss(Tensor OverallLoss, IReadOnlyList<LossComponent> Components);
