// A user's model, written the ordinary TorchSharp way; [CompressibleModel] lets the schedule name its parameters.
using Distiller.Typed;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Consumer;

[CompressibleModel]
public sealed class TinyNet : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1 = Conv2d(1, 8, 3, padding: 1);
    private readonly Linear fc = Linear(8 * 8 * 8, 6);

    public TinyNet() : base(nameof(TinyNet)) => RegisterComponents();

    public override Tensor forward(Tensor input) => fc.call(functional.relu(conv1.call(input)).flatten(1));
}
