using Distiller.Typed;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DistillerApp.Models;

/// <summary>
/// An ordinary TorchSharp module. [CompressibleModel] lets schedules name its parameters: the field names are the
/// names TorchSharp registers (conv1.weight, fc2.bias, ...), and a misspelt one in a schedule is a compile error.
/// </summary>
[CompressibleModel]
public sealed class SmallConvNet : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1 = Conv2d(1, 16, 3, padding: 1);
    private readonly Conv2d conv2 = Conv2d(16, 32, 3, padding: 1);
    private readonly Linear fc1 = Linear(32 * 7 * 7, 64);
    private readonly Linear fc2 = Linear(64, 10);

    public SmallConvNet() : base(nameof(SmallConvNet)) => RegisterComponents();

    public override Tensor forward(Tensor input)
    {
        var x = functional.max_pool2d(functional.relu(conv1.call(input)), 2);
        x = functional.max_pool2d(functional.relu(conv2.call(x)), 2);
        return fc2.call(functional.relu(fc1.call(x.flatten(1))));
    }
}
