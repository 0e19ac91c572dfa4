using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Regularization;

/// <summary>
/// A bag of named parameters with hand-picked values (never run forward):
/// conv.weight (2,2,1,1) = [[1,2],[3,4]] (filter f, channel c);
/// fc.weight (3,2) = [[3,4],[1,0],[6,8]];
/// k.weight (1,2,2,2) = kernel 0 [1,2,2,4], kernel 1 [0,3,0,4].
/// </summary>
internal static class RegularizationModel
{
    public static nn.Module Create()
    {
        var model = nn.Sequential(
            ("conv", nn.Conv2d(2, 2, 1)),
            ("fc", nn.Linear(2, 3)),
            ("k", nn.Conv2d(2, 1, 2)));
        Set(model, "conv.weight", new float[] { 1, 2, 3, 4 });
        Set(model, "fc.weight", new float[] { 3, 4, 1, 0, 6, 8 });
        Set(model, "k.weight", new float[] { 1, 2, 2, 4, 0, 3, 0, 4 });
        return model;
    }

    public static Tensor Param(nn.Module model, string name) => model.named_parameters().Single(p => p.name == name).parameter;

    private static void Set(nn.Module model, string name, float[] values)
    {
        using var _ = no_grad();
        var p = Param(model, name);
        p.copy_(tensor(values).reshape(p.shape));
    }

    /// <summary>Runs Loss from a zero start and backward; returns (loss, grad of the parameter).</summary>
    public static (double Loss, float[] Grad) LossAndGrad(Distiller.Typed.Regularization.IRegularizer reg, nn.Module model, string name)
    {
        using var scope = NewDisposeScope();
        using var masks = Distiller.Typed.Masks.MaskDictionary.For(model);
        var p = Param(model, name);
        p.grad?.zero_();
        var loss = reg.Loss(p, name, zeros(1), masks);
        loss.backward();
        var grad = p.grad!.contiguous().data<float>().ToArray();
        var value = loss.item<float>();
        p.grad!.zero_();
        return (value, grad);
    }
}
