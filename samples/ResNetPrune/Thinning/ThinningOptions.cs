using System.CommandLine;

namespace Distiller.Typed.Samples.ResNetPrune.Thinning;

/// <summary>Distiller's <c>--thinnify</c> flag (compress_classifier.py).</summary>
public sealed class ThinningOptions
{
    private readonly Option<bool> _thinnify = new("--thinnify")
    {
        Description = "Physically remove the zero filters and then the zero channels of the model given by --resume-from, save the thin model " +
                      "as CHECKPOINT_thinned.ckpt in --out-dir, reload it, and compare parameters, MACs, test accuracy and evaluation time",
    };

    public void AddTo(Command command) => command.Options.Add(_thinnify);

    public bool Read(System.CommandLine.ParseResult parse) => parse.GetValue(_thinnify);
}
