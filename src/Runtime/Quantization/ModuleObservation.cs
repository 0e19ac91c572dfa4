using Distiller.Typed.Quantization.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization;

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
