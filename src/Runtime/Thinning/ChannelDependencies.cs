using Distiller.Typed.Quantization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Thinning;

/// <summary>
/// Learns which layers share each feature-map channel (what Distiller reads from its traced SummaryGraph with
/// <c>successors_f</c> / <c>predecessors_f</c>) by running the model on a dummy input under
/// <see cref="ModuleObservation"/>, the tracer the quantizers use: once per output channel of every convolution (and
/// per channel of the input and per output of every linear layer), that one channel is set to NaN right after the
/// layer that writes it. NaN passes unchanged through batch norms, activations, pooling and the residual additions a
/// <c>forward</c> writes with <c>+</c>, so every layer input it reaches is a place that channel flows to, also through
/// code no module hook sees. Convolutions and linear layers mix channels: each records which of its input channels
/// carried NaN and then computes its output as if they were zero, so NaN stops there. Channels that reach a common
/// place are one <see cref="ChannelGroup"/> (the filters a residual addition joins, for instance).
/// <para>
/// Cost: one forward pass of a batch-1 dummy input per channel probed (ResNet-20 on 1×28×28: 784 convolution
/// channels, 1 input channel and 10 linear outputs, 795 passes). A channel that flows into a layer with parameters
/// other than convolutions, linear layers and 2-D batch norms, or into the model's output without such a layer, is
/// left alone.
/// </para>
/// </summary>
public static class ChannelDependencies
{
    private readonly record struct Key(string Kind, string Name, long A, long B);

    private sealed class Footprint
    {
        public readonly List<Key> Keys = new();
        public readonly List<(string, long)> Filters = new();
        public readonly List<(string, long)> BatchNorms = new();
        public readonly List<(string, long)> ConvInputs = new();
        public readonly List<(string, long[])> LinearInputs = new();
        public string? FixedReason;
    }

    private sealed record Probe(string? Module, long Channel, string? FixedReason);

    /// <summary>The model's channel groups, found by tracing inputs of shape <paramref name="inputShape"/> (batch 1 is enough).</summary>
    public static IReadOnlyList<ChannelGroup> Trace(nn.Module<Tensor, Tensor> model, long[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length < 2 || inputShape.Any(d => d <= 0))
            throw new ArgumentException($"Thinning traces the model on a dummy input, whose shape must have a batch and a channel dimension, all positive; got [{string.Join(", ", inputShape)}].", nameof(inputShape));

        var probes = new List<Probe>();
        for (long c = 0; c < inputShape[1]; c++)
            probes.Add(new Probe(null, c, "it is a channel of the model's input"));
        foreach (var (name, module) in model.named_modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    for (long k = 0; k < conv.weight!.shape[0]; k++)
                        probes.Add(new Probe(name, k, conv.groups == 1 ? null : $"it is written by '{name}', a grouped convolution (groups {conv.groups})"));
                    break;
                case Linear linear:
                    for (long f = 0; f < linear.weight!.shape[0]; f++)
                        probes.Add(new Probe(name, f, $"it is written by the linear layer '{name}'"));
                    break;
            }
        }

        var footprints = new Footprint[probes.Count];
        Probe? current = null;
        Footprint? print = null;
        int call = 0;
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var device = model.parameters().FirstOrDefault()?.device ?? CPU;
            using (ModuleObservation.Observe(model, (name, module, inputs, output) =>
                   {
                       int index = call++;
                       if (current!.Module == name)
                       {
                           output.select(1, current.Channel).fill_(double.NaN);
                           print!.Filters.Add((name, current.Channel));
                           print.Keys.Add(new Key("filter", name, current.Channel, 0));
                           return;
                       }
                       for (int i = 0; i < inputs.Length; i++)
                           Record(print!, name, module, index, i, inputs[i], output);
                   }))
            {
                for (int p = 0; p < probes.Count; p++)
                {
                    current = probes[p];
                    print = footprints[p] = new Footprint { FixedReason = current.FixedReason };
                    call = 0;
                    using var inner = NewDisposeScope();
                    var input = zeros(inputShape, device: device);
                    if (current.Module is null)
                        input.select(1, current.Channel).fill_(double.NaN);
                    var result = model.call(input);
                    if (result.isnan().any().item<bool>())
                        print.FixedReason ??= "it reaches the model's output";
                }
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        return Group(footprints);
    }

    private static void Record(Footprint print, string name, nn.Module module, int call, int inputIndex, Tensor input, Tensor output)
    {
        if (!input.is_floating_point() || input.dim() < 2)
            return;
        var nan = input.isnan();
        if (!nan.any().item<bool>())
            return;
        var perChannel = nan.dim() == 2 ? nan.any(0) : nan.transpose(0, 1).flatten(1).any(1);
        var channels = perChannel.nonzero().flatten().data<long>().ToArray();
        foreach (var c in channels)
            print.Keys.Add(new Key("flow", "", call, inputIndex * 1_000_000_000L + c));
        switch (module)
        {
            case Conv2d conv when input.dim() == 4:
                if (conv.groups != 1)
                    print.FixedReason ??= $"it is read by '{name}', a grouped convolution (groups {conv.groups})";
                foreach (var c in channels)
                {
                    print.ConvInputs.Add((name, c));
                    print.Keys.Add(new Key("conv-in", name, c, 0));
                }
                output.copy_(conv.forward(input.nan_to_num(0)));
                break;
            case Linear linear:
                print.LinearInputs.Add((name, channels));
                foreach (var c in channels)
                    print.Keys.Add(new Key("linear-in", name, c, 0));
                output.copy_(linear.forward(input.nan_to_num(0)));
                break;
            case BatchNorm2d when input.dim() == 4:
                foreach (var c in channels)
                {
                    print.BatchNorms.Add((name, c));
                    print.Keys.Add(new Key("bn", name, c, 0));
                }
                break;
            default:
                if (module.parameters().Any() || module.buffers().Any())
                    print.FixedReason ??= $"it passes through '{name}' ({module.GetType().Name}), whose parameters thinning does not shrink";
                break;
        }
    }

    /// <summary>Probes whose footprints share a place are one group (union-find over the places).</summary>
    private static IReadOnlyList<ChannelGroup> Group(Footprint[] prints)
    {
        var parent = Enumerable.Range(0, prints.Length).ToArray();
        int Find(int x)
        {
            while (parent[x] != x)
                x = parent[x] = parent[parent[x]];
            return x;
        }
        var owner = new Dictionary<Key, int>();
        for (int p = 0; p < prints.Length; p++)
            foreach (var key in prints[p].Keys)
            {
                if (owner.TryGetValue(key, out var other))
                    parent[Find(p)] = Find(other);
                else
                    owner[key] = p;
            }
        return Enumerable.Range(0, prints.Length)
            .GroupBy(Find)
            .Select(g =>
            {
                var members = g.Select(p => prints[p]).ToList();
                return new ChannelGroup(
                    members.SelectMany(m => m.Filters).Distinct().ToList(),
                    members.SelectMany(m => m.BatchNorms).Distinct().ToList(),
                    members.SelectMany(m => m.ConvInputs).Distinct().ToList(),
                    members.SelectMany(m => m.LinearInputs)
                        .GroupBy(l => l.Item1)
                        .Select(l => (l.Key, l.SelectMany(x => x.Item2).Distinct().OrderBy(f => f).ToArray()))
                        .ToList(),
                    members.Select(m => m.FixedReason).FirstOrDefault(r => r is not null));
            })
            .ToList();
    }
}
