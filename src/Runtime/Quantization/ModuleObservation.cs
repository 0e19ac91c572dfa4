using Distiller.Typed.Quantization.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization;

/// <summary>
/// Returns an alias of its input (Distiller puts <c>nn.Identity</c> there: a folded batch-norm, a ReLU absorbed into
/// the layer before it). The alias remembers its source, so tracing sees through it and the quantization metadata of
/// the input carries over. (An alias rather than the input itself: <c>Sequential</c> disposes each intermediate result.)
/// </summary>
public sealed class PassThrough : nn.Module<Tensor, Tensor>
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Tensor, Tensor> Sources = new();

    public PassThrough() : base(nameof(PassThrough)) { }

    public override Tensor forward(Tensor input)
    {
        var output = input.alias();
        Sources.AddOrUpdate(output, Resolve(input));
        return output;
    }

    /// <summary>The tensor a chain of pass-throughs started from (the tensor itself when it came from elsewhere).</summary>
    public static Tensor Resolve(Tensor t) => Sources.TryGetValue(t, out var source) ? source : t;
}

/// <summary>
/// Watches every leaf module's inputs and output during forward passes, without hooks: Module&lt;Tensor, Tensor&gt;
/// leaves are swapped (under their own names) for a recording stand-in while <see cref="Observe"/> is active, and
/// <see cref="MultiInputModule"/>s report through their observer slot. Disposing the returned handle restores the model.
/// </summary>
public static class ModuleObservation
{
    private sealed class Recorder : nn.Module<Tensor, Tensor>
    {
        private readonly Func<Tensor, Tensor> _inner; // not a field of module type: the original is not registered twice
        private readonly Action<Tensor[], Tensor> _callback;

        public Recorder(nn.Module<Tensor, Tensor> inner, Action<Tensor[], Tensor> callback) : base("Recorder")
        {
            _inner = inner.forward;
            _callback = callback;
        }

        public override Tensor forward(Tensor input)
        {
            var output = _inner(input);
            _callback(new[] { input }, output);
            return output;
        }
    }

    private sealed class Restorer : IDisposable
    {
        private readonly nn.Module _model;
        private readonly List<(string Name, nn.Module Original)> _swapped;
        private readonly List<MultiInputModule> _observed;

        public Restorer(nn.Module model, List<(string, nn.Module)> swapped, List<MultiInputModule> observed)
        {
            _model = model;
            _swapped = swapped;
            _observed = observed;
        }

        public void Dispose()
        {
            for (int i = _swapped.Count - 1; i >= 0; i--)
                ModuleTree.Replace(_model, _swapped[i].Name, _swapped[i].Original);
            foreach (var m in _observed)
                m.Observer = null;
            _swapped.Clear();
            _observed.Clear();
        }
    }

    /// <summary>
    /// Calls <paramref name="callback"/>(name, module, inputs, output) after each forward pass of every leaf module
    /// for which <paramref name="filter"/> holds, until the result is disposed.
    /// </summary>
    public static IDisposable Observe(nn.Module model, Action<string, nn.Module, Tensor[], Tensor> callback, Func<string, nn.Module, bool>? filter = null)
    {
        var leaves = model.named_modules()
            .Where(m => !ModuleTree.HasChildren(m.module) && m.module is not (PassThrough or Identity) && (filter?.Invoke(m.name, m.module) ?? true))
            .ToList();
        var swapped = new List<(string, nn.Module)>();
        var observed = new List<MultiInputModule>();
        var restorer = new Restorer(model, swapped, observed);
        try
        {
            foreach (var (name, module) in leaves)
            {
                switch (module)
                {
                    case MultiInputModule multi:
                        if (multi.Observer is not null)
                            throw new InvalidOperationException($"Module '{name}' is already being observed.");
                        multi.Observer = (m, inputs, output) => callback(name, m, inputs, output);
                        observed.Add(multi);
                        break;
                    case nn.Module<Tensor, Tensor> single:
                        ModuleTree.Replace(model, name, new Recorder(single, (inputs, output) => callback(name, single, inputs, output)));
                        swapped.Add((name, single));
                        break;
                }
            }
        }
        catch
        {
            restorer.Dispose();
            throw;
        }
        return restorer;
    }
}

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
                model.forward(dummyInput);
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
