using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Training;

/// <summary>Runs a module, then fake-quantizes its output (Distiller's <c>FakeQuantizationWrapper</c>): children <c>wrapped_module</c> and <c>fake_q</c>.</summary>
public sealed class FakeQuantizationWrapper : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // child names as in Distiller
    private readonly nn.Module<Tensor, Tensor> wrapped_module;
    private readonly FakeLinearQuantization fake_q;
#pragma warning restore IDE1006

    public FakeQuantizationWrapper(nn.Module<Tensor, Tensor> wrappedModule, int numBits, LinearQuantMode mode, double emaDecay)
        : base(nameof(FakeQuantizationWrapper))
    {
        wrapped_module = wrappedModule;
        fake_q = new FakeLinearQuantization(numBits, mode, emaDecay);
        RegisterComponents();
        train(wrappedModule.training);
    }

    public nn.Module<Tensor, Tensor> WrappedModule => wrapped_module;
    public FakeLinearQuantization FakeQ => fake_q;

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        return fake_q.forward(wrapped_module.forward(input)).MoveToOuterDisposeScope();
    }
}
