using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization;

/// <summary>Parameters a quantizer adds to the model, to be optimized in their own group (e.g. PACT's clipping values).</summary>
public sealed record NewParamGroup(IReadOnlyList<Parameter> Parameters, double? WeightDecay);

/// <summary>Adds a <see cref="NewParamGroup"/> to a TorchSharp optimizer, with its own weight decay when given.</summary>
public static class OptimizerParamGroups
{
    public static void Add(torch.optim.Optimizer optimizer, NewParamGroup group)
    {
        switch (optimizer)
        {
            case SGD sgd:
                sgd.add_param_group(new SGD.ParamGroup(group.Parameters, new SGD.Options { weight_decay = group.WeightDecay }));
                break;
            case Adam adam:
                adam.add_param_group(new Adam.ParamGroup(group.Parameters, new Adam.Options { weight_decay = group.WeightDecay }));
                break;
            case AdamW adamW:
                adamW.add_param_group(new AdamW.ParamGroup(group.Parameters, new AdamW.Options { weight_decay = group.WeightDecay }));
                break;
            default:
                throw new NotSupportedException(
                    $"Cannot add the quantizer's new parameters to a {optimizer.GetType().Name}; supported optimizers: SGD, Adam, AdamW.");
        }
    }
}
