// Ways people write TorchSharp modules that the generator's model analysis must read without a false error.
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Samples.Styles;

public abstract class Backbone : Module<Tensor, Tensor>
{
    protected readonly Module<Tensor, Tensor> head;

    protected Backbone(string name) : base(name) => head = MakeHead();

    /// <summary>A layer factory the annotated class overrides.</summary>
    protected virtual Module<Tensor, Tensor> MakeHead() => Linear(8, 2);

    public override Tensor forward(Tensor x) => head.call(x);
}

public sealed class Block : Module<Tensor, Tensor>
{
    private readonly Linear fc = Linear(8, 8);

    public Block() : base(nameof(Block)) => RegisterComponents();

    public override Tensor forward(Tensor x) => fc.call(x);
}

[Distiller.Typed.CompressibleModel]
public sealed class Styles : Backbone
{
    private readonly Conv2d conv1;
    private readonly Linear fc;
    private Linear? extra;
    private readonly Conv2d stem;
    private readonly Block block = new();

    public Styles() : base(nameof(Styles))
    {
        (conv1, fc) = (Conv2d(1, 4, 3), Linear(4, 8));   // tuple deconstruction
        extra ??= Linear(8, 8);                          // null-coalescing assignment
        MakeStem(out stem);                              // an out helper
        block.register_module("gate", Linear(8, 8));     // register_module on a field's module
        RegisterComponents();
    }

    private static void MakeStem(out Conv2d conv) => conv = Conv2d(1, 1, 1);

    protected override Module<Tensor, Tensor> MakeHead() => Sequential(Linear(8, 16), ReLU(), Linear(16, 2));
}
