using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Summaries;

/// <summary>One Conv2d or Linear call in a forward pass, with its multiply-accumulate count dense and after pruning.</summary>
/// <param name="Name">The module's name from <c>named_modules()</c>, e.g. <c>layer1.0.conv1</c>.</param>
/// <param name="Type">"Conv2d" or "Linear".</param>
/// <param name="Attributes">"k=(3, 3)" for convolutions, empty for Linear.</param>
/// <param name="InputShape">IFM shape.</param>
/// <param name="InputVolume">IFM element count.</param>
/// <param name="OutputShape">OFM shape.</param>
/// <param name="OutputVolume">OFM element count.</param>
/// <param name="WeightsVolume">Weight element count.</param>
/// <param name="WeightsNnz">Non-zero weight elements at the time of the forward pass.</param>
/// <param name="Macs">Dense MACs (bias ignored).</param>
/// <param name="SparseMacs">MACs that multiply a non-zero weight: <c>Macs · WeightsNnz / WeightsVolume</c> (exact integer).</param>
public sealed record LayerCompute(
    string Name,
    string Type,
    string Attributes,
    IReadOnlyList<long> InputShape,
    long InputVolume,
    IReadOnlyList<long> OutputShape,
    long OutputVolume,
    long WeightsVolume,
    long WeightsNnz,
    long Macs,
    long SparseMacs);

/// <summary>
/// Distiller's compute summary (<c>model_performance_summary</c> in <c>distiller/model_summaries.py</c>): forward hooks on
/// every Conv2d and Linear record one row per call during a forward pass of a sample input, with the dense MACs and,
/// as an addition to Distiller, the MACs left after pruning.
/// </summary>
/// <remarks>
/// <para>Conv2d: <c>MACs = volume(OFM) · (C_in / groups) · K_h · K_w</c>, as Distiller. Linear: <c>MACs = volume(weight) · rows</c>,
/// where rows is the number of input vectors (<c>volume(IFM) / in_features</c>); Distiller counts <c>volume(weight)</c>
/// alone, which is the same for its batch-1 dummy input. Bias is ignored.</para>
/// <para>After pruning: each output element of a convolution (and each output of a Linear) costs one MAC per weight of its
/// filter (row), so with <c>P = volume(OFM) / C_out</c> output positions the dense count is <c>P · volume(weight)</c> and the
/// pruned count <c>P · nnz(weight)</c> — dense MACs scaled by the weight's density, with zero padding ignored.</para>
/// <para>Hooks fire only for modules their parent invokes with <c>call()</c>, TorchSharp's convention; a model whose Conv2d and
/// Linear layers all ran through <c>forward()</c> directly is reported as an error rather than as an empty summary.</para>
/// <para>The model runs under <c>no_grad</c> in eval mode (its training flag is restored afterwards), so batch-norm running
/// statistics are untouched.</para>
/// </remarks>
public sealed class ComputeSummary
{
    private static readonly string[] Headers =
    {
        "Name", "Type", "Attrs", "IFM", "IFM volume", "OFM", "OFM volume", "Weights volume", "MACs", "Weights NNZ", "MACs (sparse)",
    };

    private ComputeSummary(IReadOnlyList<LayerCompute> layers) => Layers = layers;

    /// <summary>One row per Conv2d / Linear call, in call order.</summary>
    public IReadOnlyList<LayerCompute> Layers { get; }

    public long TotalMacs => Layers.Sum(l => l.Macs);

    public long TotalSparseMacs => Layers.Sum(l => l.SparseMacs);

    /// <param name="model">The model (its parameters are read, not changed).</param>
    /// <param name="sampleInput">An input of the shape the model expects, on the model's device (e.g. <c>(1, 3, 32, 32)</c>).</param>
    public static ComputeSummary Compute(nn.Module<Tensor, Tensor> model, Tensor sampleInput)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sampleInput);

        var layers = new List<LayerCompute>();
        var removers = new List<Action>();
        foreach (var (name, module) in model.named_modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    var convHook = conv.register_forward_hook((_, input, output) =>
                    {
                        layers.Add(ConvRow(name, conv, input, output));
                        return output;
                    });
                    removers.Add(convHook.remove);
                    break;
                case Linear linear:
                    var linearHook = linear.register_forward_hook((_, input, output) =>
                    {
                        layers.Add(LinearRow(name, linear, input, output));
                        return output;
                    });
                    removers.Add(linearHook.remove);
                    break;
            }
        }

        var wasTraining = model.training;
        try
        {
            model.eval();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            model.call(sampleInput);
        }
        finally
        {
            foreach (var remover in removers)
                remover();
            if (wasTraining)
                model.train();
        }
        if (layers.Count == 0 && removers.Count > 0)
            throw new InvalidOperationException(
                $"The model has {removers.Count} Conv2d/Linear module(s) but none ran during the forward pass of the sample input: " +
                "their forward hooks fire only when a parent calls them with .call(input) (not .forward(input)).");
        return new ComputeSummary(layers);
    }

    private static LayerCompute ConvRow(string name, Conv2d conv, Tensor input, Tensor output)
    {
        var weight = conv.weight ?? throw new InvalidOperationException($"Conv2d '{name}' has no weight.");
        var outChannels = weight.size(0);
        var positions = output.numel() / outChannels;                    // N · H_out · W_out
        var kernel = conv.kernel_size;
        var macs = output.numel() * (conv.in_channels / conv.groups) * kernel.Aggregate(1L, (a, k) => a * k);
        var nnz = SparsityMeasures.NonZeroCount(weight);
        return new LayerCompute(name, "Conv2d", "k=(" + string.Join(", ", kernel) + ")",
            input.shape, input.numel(), output.shape, output.numel(), weight.numel(), nnz, macs, positions * nnz);
    }

    private static LayerCompute LinearRow(string name, Linear linear, Tensor input, Tensor output)
    {
        var weight = linear.weight ?? throw new InvalidOperationException($"Linear '{name}' has no weight.");
        var rows = input.numel() / linear.in_features;                   // input vectors in the batch
        var nnz = SparsityMeasures.NonZeroCount(weight);
        return new LayerCompute(name, "Linear", "",
            input.shape, input.numel(), output.shape, output.numel(), weight.numel(), nnz, weight.numel() * rows, nnz * rows);
    }

    /// <summary>psql-style table as Distiller's <c>model_performance_tbl_summary</c>, with the two pruning columns added.</summary>
    public string ToTable()
    {
        static string Shape(IReadOnlyList<long> s) => "(" + string.Join(", ", s) + ")";
        static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
        var rows = Layers.Select(l => (IReadOnlyList<string>)new[]
        {
            l.Name, l.Type, l.Attributes, Shape(l.InputShape), I(l.InputVolume), Shape(l.OutputShape), I(l.OutputVolume),
            I(l.WeightsVolume), I(l.Macs), I(l.WeightsNnz), I(l.SparseMacs),
        }).ToArray();
        var numeric = Headers.Select(h => h is not ("Name" or "Type" or "Attrs" or "IFM" or "OFM")).ToArray();
        return PsqlTable.Format(Headers, rows, numeric);
    }

    public override string ToString() =>
        ToTable() + Environment.NewLine +
        "Total MACs: " + TotalMacs.ToString("N0", CultureInfo.InvariantCulture) + Environment.NewLine +
        "Total MACs after pruning: " + TotalSparseMacs.ToString("N0", CultureInfo.InvariantCulture);
}
