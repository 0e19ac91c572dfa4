using Distiller.Typed.Quantization.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization;

/// <summary>One leaf module call seen while tracing: its inputs' and output's tensor identities (numbered per trace).</summary>
public sealed record TraceNode(string Name, nn.Module Module, IReadOnlyList<int> Inputs, int Output);

/// <summary>
/// The data flow between leaf modules in one forward pass (what Distiller gets from its traced SummaryGraph): module B
/// follows module A when B received A's output tensor itself. Flow through functional code in a <c>forward</c> is not
/// seen, so only module-to-module links count — a model meant for quantization writes its adds, products and
/// concatenations as <see cref="EltwiseAdd"/>, <see cref="EltwiseMult"/>, <see cref="Concat"/> modules.
/// </summary>
public sealed class ModelTrace
{
    private readonly List<TraceNode> _nodes;

    private ModelTrace(List<TraceNode> nodes) => _nodes = nodes;

    public IReadOnlyList<TraceNode> Nodes => _nodes;

    /// <summary>Runs <paramref name="dummyInput"/> through <paramref name="model"/> (in eval mode, without gradients) and records the flow.</summary>
    public static ModelTrace Run(nn.Module<Tensor, Tensor> model, Tensor dummyInput)
    {
        ArgumentNullException.ThrowIfNull(dummyInput);
        var nodes = new List<TraceNode>();
        // Tensors are identified by object (native handles of disposed intermediates may be reused); the dictionary
        // keeps every seen tensor object referenced for the duration of the trace.
        var ids = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        int Id(Tensor t)
        {
            t = PassThrough.Resolve(t);
            if (!ids.TryGetValue(t, out var id))
                ids[t] = id = ids.Count;
            return id;
        }
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            using (ModuleObservation.Observe(model, (name, module, inputs, output) =>
                   {
                       nodes.Add(new TraceNode(name, module, inputs.Select(Id).ToList(), Id(output)));
                   }))
            {
                model.call(dummyInput);
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        GC.KeepAlive(ids);
        return new ModelTrace(nodes);
    }

    private IEnumerable<TraceNode> CallsOf(string name) => _nodes.Where(n => n.Name == name);

    /// <summary>Modules that consumed <paramref name="name"/>'s output (empty unless it ran exactly once).</summary>
    public IReadOnlyList<string> Successors(string name)
    {
        var calls = CallsOf(name).ToList();
        if (calls.Count != 1)
            return Array.Empty<string>();
        var output = calls[0].Output;
        return _nodes.Where(n => n.Inputs.Contains(output)).Select(n => n.Name).ToList();
    }

    /// <summary>Modules whose outputs <paramref name="name"/> consumed (empty unless it ran exactly once).</summary>
    public IReadOnlyList<string> Predecessors(string name)
    {
        var calls = CallsOf(name).ToList();
        if (calls.Count != 1)
            return Array.Empty<string>();
        return calls[0].Inputs.SelectMany(i => _nodes.Where(n => n.Output == i).Select(n => n.Name)).Distinct().ToList();
    }

    public bool Contains(string name) => _nodes.Any(n => n.Name == name);
}
