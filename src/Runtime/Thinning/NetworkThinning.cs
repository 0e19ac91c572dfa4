using Distiller.Typed.Masks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Thinning;

/// <summary>What one thinning removed: per tensor, the entries removed along each dimension, and the groups it kept and why.</summary>
/// <param name="Removed">Tensor name (<c>layer1.0.conv1.weight</c>, <c>layer1.0.bn1.running_mean</c>) → dimension → removed indices.</param>
/// <param name="ChannelsRemoved">How many channel groups were removed.</param>
/// <param name="Kept">Groups whose structures are all zero but stay, with the reason (e.g. the last channel of a layer).</param>
public sealed record ThinningResult(
    IReadOnlyDictionary<string, IReadOnlyDictionary<int, long[]>> Removed,
    int ChannelsRemoved,
    IReadOnlyList<string> Kept);

/// <summary>
/// Network thinning (distiller/thinning.py, <c>remove_filters</c> / <c>remove_channels</c>): physically removes
/// convolution filters or channels that are all zero, making the model smaller and faster. The channels' data
/// dependencies come from <see cref="ChannelDependencies"/>; a channel is removed from every tensor that holds it at
/// once — the filters (and biases) of the convolutions that write it, the batch-norm weight, bias and running
/// statistics, the input channels of the convolutions and the columns of the linear layers that read it — together
/// with their gradients, SGD momentum buffers and pruning masks, and the layers' size attributes.
/// <para>
/// <c>remove_filters</c> removes a channel when every filter that writes it is zero. Where residual additions join
/// several convolutions' outputs (a ResNet stage's <c>conv2</c>s, its <c>downsample</c> and the stem), all of them
/// must be zero in that channel; Distiller's recipe would shrink one and leave the addition mismatched.
/// <c>remove_channels</c> removes a channel when every weight that reads it is zero. Removing channels never changes
/// the model's outputs (the removed inputs were multiplied by zero). Removing filters does not either, except where a
/// batch norm follows: its shift turns a zero filter's output into the constant <c>β − γ·μ/√(σ²+ε)</c>, which
/// Distiller drops with the channel and so does this thinning (after a ReLU only positive constants matter).
/// </para>
/// </summary>
public static class NetworkThinning
{
    /// <summary>
    /// Thins <paramref name="model"/> in place and returns what was removed.
    /// </summary>
    /// <param name="model">The model; its parameters keep their identity (optimizers and masks that refer to them stay valid).</param>
    /// <param name="function">Remove zero filters or zero channels.</param>
    /// <param name="inputShape">The dummy input's shape for tracing the data dependencies, e.g. <c>[1, 1, 28, 28]</c>.</param>
    /// <param name="optimizer">The training optimizer (SGD) whose momentum buffers shrink with their parameters, or null.</param>
    /// <param name="masks">Pruning masks that shrink with their parameters, or null.</param>
    public static ThinningResult Thin(nn.Module<Tensor, Tensor> model, ThinningFunction function, long[] inputShape,
        optim.Optimizer? optimizer = null, MaskDictionary? masks = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var optimizerState = new OptimizerThinning(optimizer); // refuses an optimizer it cannot follow before anything changes
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);
        var groups = ChannelDependencies.Trace(model, inputShape);
        var plan = Plan(modules, groups, function, out var removedGroups, out var kept);
        var dense = ThinShapes.Current(model);
        Apply(model, plan, optimizerState, masks);
        if (plan.Count > 0)
            ThinShapes.Record(model, dense);
        return new ThinningResult(
            plan.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<int, long[]>)p.Value.ToDictionary(d => d.Key, d => d.Value.OrderBy(i => i).ToArray()), StringComparer.Ordinal),
            removedGroups, kept);
    }

    private static string Tensor(string module, string tensor) => module.Length == 0 ? tensor : module + "." + tensor;

    private static Dictionary<string, Dictionary<int, HashSet<long>>> Plan(IReadOnlyDictionary<string, nn.Module> modules,
        IReadOnlyList<ChannelGroup> groups, ThinningFunction function, out int removedGroups, out List<string> kept)
    {
        var plan = new Dictionary<string, Dictionary<int, HashSet<long>>>(StringComparer.Ordinal);
        kept = new List<string>();
        removedGroups = 0;
        void Remove(string tensor, int dim, IEnumerable<long> indices)
        {
            if (!plan.TryGetValue(tensor, out var dims))
                plan[tensor] = dims = new Dictionary<int, HashSet<long>>();
            if (!dims.TryGetValue(dim, out var set))
                dims[dim] = set = new HashSet<long>();
            set.UnionWith(indices);
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var group in groups)
        {
            if (group.FixedReason is not null || !IsZero(modules, group, function))
                continue;
            var owners = new List<(string Tensor, int Dim, long Index)>();
            foreach (var (conv, k) in group.Filters)
            {
                owners.Add((Tensor(conv, "weight"), 0, k));
                if (((Conv2d)modules[conv]).bias is not null)
                    owners.Add((Tensor(conv, "bias"), 0, k));
            }
            foreach (var (bn, c) in group.BatchNorms)
            {
                var norm = (BatchNorm2d)modules[bn];
                if (norm.weight is not null)
                    owners.Add((Tensor(bn, "weight"), 0, c));
                if (norm.bias is not null)
                    owners.Add((Tensor(bn, "bias"), 0, c));
                if (norm.running_mean is not null)
                    owners.Add((Tensor(bn, "running_mean"), 0, c));
                if (norm.running_var is not null)
                    owners.Add((Tensor(bn, "running_var"), 0, c));
            }
            foreach (var (conv, c) in group.ConvInputs)
                owners.Add((Tensor(conv, "weight"), 1, c));
            foreach (var (linear, features) in group.LinearInputs)
                owners.AddRange(features.Select(f => (Tensor(linear, "weight"), 1, f)));

            // Distiller refuses to remove every filter or channel of a layer; here such a group simply stays.
            var emptied = owners.GroupBy(o => (o.Tensor, o.Dim))
                .FirstOrDefault(g => Size(modules, g.Key.Tensor, g.Key.Dim) <= g.Select(o => o.Index).Concat(Planned(plan, g.Key.Tensor, g.Key.Dim)).Distinct().Count());
            if (emptied is not null)
            {
                kept.Add($"{Describe(group)} stays: removing it would leave '{emptied.Key.Tensor}' with no entries along dimension {emptied.Key.Dim}");
                continue;
            }
            foreach (var o in owners)
                Remove(o.Tensor, o.Dim, new[] { o.Index });
            removedGroups++;
        }
        return plan;
    }

    private static IEnumerable<long> Planned(Dictionary<string, Dictionary<int, HashSet<long>>> plan, string tensor, int dim) =>
        plan.TryGetValue(tensor, out var dims) && dims.TryGetValue(dim, out var set) ? set : Enumerable.Empty<long>();

    private static long Size(IReadOnlyDictionary<string, nn.Module> modules, string tensor, int dim)
    {
        int dot = tensor.LastIndexOf('.');
        var module = modules[dot < 0 ? "" : tensor[..dot]];
        var name = dot < 0 ? tensor : tensor[(dot + 1)..];
        var t = module.named_parameters(recurse: false).Select(p => (p.name, (Tensor)p.parameter))
            .Concat(module.named_buffers(recurse: false)).First(p => p.name == name).Item2;
        return t.shape[dim];
    }

    private static string Describe(ChannelGroup group) =>
        "the channel written by " + (group.Filters.Count == 0 ? "no convolution" : string.Join(", ", group.Filters.Select(f => $"{f.Module}[{f.Channel}]")));

    private static bool IsZero(IReadOnlyDictionary<string, nn.Module> modules, ChannelGroup group, ThinningFunction function)
    {
        if (function == ThinningFunction.RemoveFilters)
            return group.Filters.Count > 0 && group.Filters.All(f => ((Conv2d)modules[f.Module]).weight![f.Channel].count_nonzero().item<long>() == 0);
        if (group.ConvInputs.Count == 0 && group.LinearInputs.Count == 0)
            return false;
        return group.ConvInputs.All(c => ((Conv2d)modules[c.Module]).weight!.select(1, c.Channel).count_nonzero().item<long>() == 0)
            && group.LinearInputs.All(l => ((Linear)modules[l.Module]).weight!.index_select(1, tensor(l.Features)).count_nonzero().item<long>() == 0);
    }

    private static void Apply(nn.Module model, Dictionary<string, Dictionary<int, HashSet<long>>> plan, OptimizerThinning optimizer, MaskDictionary? masks)
    {
        if (plan.Count == 0)
            return;
        var tensors = model.named_parameters().Select(p => (p.name, (Tensor)p.parameter))
            .Concat(model.named_buffers().Select(b => (b.name, b.buffer)))
            .ToDictionary(t => t.Item1, t => t.Item2, StringComparer.Ordinal);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, dims) in plan)
        {
            var t = tensors[name];
            foreach (var (dim, removed) in dims)
            {
                var kept = tensor(Enumerable.Range(0, (int)t.shape[dim]).Select(i => (long)i).Where(i => !removed.Contains(i)).ToArray(), device: t.device);
                t.set_(t.index_select(dim, kept));
                if (t is Parameter parameter)
                {
                    if (parameter.grad is { } grad)
                        grad.set_(grad.index_select(dim, kept));
                    optimizer.Select(parameter, dim, kept);
                }
                if (masks is not null && masks.TryGetValue(name, out var masker))
                {
                    if (masker.Mask is { } mask)
                        mask.set_(mask.index_select(dim, kept.to(mask.device)));
                    if (masker.UnmaskedCopy is { } copy)
                        copy.set_(copy.index_select(dim, kept.to(copy.device)));
                }
            }
        }
        var touched = plan.Keys.Select(n => n.LastIndexOf('.') is var dot and >= 0 ? n[..dot] : "").ToHashSet(StringComparer.Ordinal);
        foreach (var (name, module) in model.named_modules())
            if (touched.Contains(name))
                ModuleShapes.Sync(module);
    }
}
