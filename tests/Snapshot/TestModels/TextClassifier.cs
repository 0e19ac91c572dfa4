using System;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Samples.Text;

/// <summary>Every other shape the analysis knows: [ComponentName], Parameter fields, named Sequential tuples,
/// ModuleList, ModuleDict (literal and run-time keys), LayerNorm, Embedding, a non-constant bias switch, a
/// layer made by a delegate (unknown: nothing below it is reported) and a nested custom module.</summary>
[Distiller.Typed.CompressibleModel]
internal sealed class TextClassifier : Module<Tensor, Tensor>
{
    [ComponentName(Name = "embed")]
    private readonly Embedding embedding;
    private readonly Parameter temperature;
    private readonly Sequential encoder;
    private readonly ModuleList<Module<Tensor, Tensor>> heads;
    private readonly ModuleDict<Module<Tensor, Tensor>> adapters;
    private readonly Module<Tensor, Tensor> projection;
    private readonly Module<Tensor, Tensor> custom;
    private readonly Gate gate;
    private readonly Tensor notAParameter;

    public TextClassifier(int vocabulary, bool withBias, Func<int, Module<Tensor, Tensor>> makeCustom, string[] languages)
        : base(nameof(TextClassifier))
    {
        embedding = Embedding(vocabulary, 128);
        temperature = Parameter(ones(1));
        encoder = Sequential(
            ("norm", LayerNorm(128)),
            ("fc", Linear(128, 64, hasBias: withBias)));
        heads = ModuleList<Module<Tensor, Tensor>>(Linear(64, 2), Linear(64, 3, hasBias: false));
        adapters = ModuleDict<Module<Tensor, Tensor>>(("en", Linear(64, 64)));
        foreach (var language in languages)
        {
            adapters.Add(language, Linear(64, 64, hasBias: false));
        }

        projection = Linear(64, 64, false);
        custom = makeCustom(64);
        gate = new Gate(64);
        notAParameter = zeros(1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) =>
        gate.call(projection.call(encoder.call(embedding.call(input)))) * temperature + notAParameter;

    private sealed class Gate : Module<Tensor, Tensor>
    {
        private readonly Linear gate_proj;

        public Gate(int width) : base(nameof(Gate))
        {
            gate_proj = Linear(width, width);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => input * gate_proj.call(input).sigmoid();
    }
}
