using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Distiller.Typed.Samples.ResNetPrune.Data;
using Distiller.Typed.Sensitivity;

namespace Distiller.Typed.Samples.ResNetPrune.Cli;

/// <summary>What <see cref="ExperimentOptions"/> read: the experiment flags of Distiller's classifier around a run.</summary>
public sealed record ExperimentSettings
{
    /// <summary><c>--sense</c>: run a sensitivity analysis of this kind instead of training.</summary>
    public SensitivityGroup? Sense { get; init; }
    public SensitivityRange SenseRange { get; init; } = SensitivityRange.Default;
    /// <summary><c>--validation-split</c>: the portion of the training set held out for validation, in [0, 1).</summary>
    public double ValidationSplit { get; init; } = Data.ValidationSplit.DefaultPortion;
    /// <summary><c>--print-freq</c>: a progress line every this many minibatches (null: ten lines an epoch, or a live bar on a terminal).</summary>
    public int? PrintFrequency { get; init; }
    /// <summary><c>--name</c>: the experiment name, used for the default output folder.</summary>
    public string? Name { get; init; }
    /// <summary><c>--confusion</c>: print the confusion matrix of the test evaluation.</summary>
    public bool Confusion { get; init; }
    /// <summary><c>--qe-calibration-data</c>: the images <c>--qe-calibration</c> collects statistics of, from their start.</summary>
    public DataSplit CalibrationData { get; init; } = DataSplit.Test;
}

/// <summary>
/// The flags of Distiller's <c>compress_classifier.py</c> around a run: <c>--sense</c>/<c>--sense-range</c>,
/// <c>--validation-split</c> (<c>--valid-size</c>, <c>--vs</c>), <c>--print-freq</c>, <c>--name</c>,
/// <c>--confusion</c>, and <c>--qe-calibration-data</c>. Each value is checked where it is parsed: a bad one is an error naming the flag and the valid range.
/// </summary>
public sealed class ExperimentOptions
{
    private readonly Option<string?> _sense = new("--sense")
    {
        Description = "Run a pruning sensitivity analysis instead of training: element (magnitude), filter or channel (L1-ranked); " +
                      "writes sensitivity.csv and sensitivity.png to --out-dir (needs --resume-from or --exp-load-weights-from)",
        HelpName = "element|filter|channel",
    };
    private readonly Option<double[]> _senseRange = new("--sense-range")
    {
        Description = "The sparsity levels to test: START END STEP as numpy.arange (END excluded)",
        HelpName = "START END STEP",
        Arity = ArgumentArity.OneOrMore, // three, checked below with a message that says so
        AllowMultipleArgumentsPerToken = true,
        DefaultValueFactory = _ => [SensitivityRange.Default.Start, SensitivityRange.Default.End, SensitivityRange.Default.Step],
    };
    private readonly Option<double> _validationSplit = new("--validation-split", "--valid-size", "--vs")
    {
        Description = "Portion of the training set held out (chosen by the seed) for validation, best-checkpoint selection and metric-driven LR schedulers; " +
                      "0 validates on the test set. The test set is evaluated at the end",
        DefaultValueFactory = _ => ValidationSplit.DefaultPortion,
    };
    private readonly Option<int?> _printFreq = new("--print-freq", "-p")
    {
        Description = "Print a progress line every N minibatches (default: ten lines an epoch, or a live bar on a terminal)",
        HelpName = "N",
    };
    private readonly Option<string?> _name = new("--name", "-n")
    {
        Description = "Experiment name: the default output folder is logs/NAME___TIMESTAMP",
        HelpName = "NAME",
    };
    private readonly Option<bool> _confusion = new("--confusion")
    {
        Description = "Print the confusion matrix of the test evaluation",
    };

    private readonly Option<string> _calibrationData = new("--qe-calibration-data")
    {
        Description = "The images --qe-calibration runs, its portion taken from their start: test (Distiller's) or train",
        HelpName = "test|train",
        DefaultValueFactory = _ => "test",
    };

    public ExperimentOptions()
    {
        _sense.AcceptOnlyFromAmong([.. SensitivityGroups.Names]);
        _calibrationData.AcceptOnlyFromAmong("test", "train");
        _senseRange.Validators.Add(result =>
        {
            var values = result.GetValueOrDefault<double[]>();
            if (values is not { Length: 3 })
            {
                result.AddError($"--sense-range takes three numbers, START END STEP (e.g. 0 0.95 0.05); got {values?.Length ?? 0}.");
                return;
            }
            try
            {
                new SensitivityRange(values[0], values[1], values[2]).Levels();
            }
            catch (ArgumentException e)
            {
                result.AddError(e.Message);
            }
        });
        _validationSplit.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<double>();
            if (!(value >= 0 && value < 1))
                result.AddError(string.Create(CultureInfo.InvariantCulture,
                    $"--validation-split must be in [0, 1) (the portion of the training set held out for validation); got {value}."));
        });
        _printFreq.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } value && value < 1)
                result.AddError($"--print-freq must be at least 1 (minibatches between progress lines); got {value}.");
        });
        _name.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } name && (name.Length == 0 || name.IndexOfAny([.. Path.GetInvalidFileNameChars()]) >= 0))
                result.AddError($"--name must be a non-empty file name (no '/'); got '{name}'.");
        });
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _sense, _senseRange, _validationSplit, _printFreq, _name, _confusion, _calibrationData })
            command.Options.Add(option);
    }

    public ExperimentSettings Read(ParseResult parse)
    {
        var range = parse.GetValue(_senseRange)!;
        return new ExperimentSettings
        {
            Sense = parse.GetValue(_sense) is { } sense ? SensitivityGroups.Parse(sense) : null,
            SenseRange = new SensitivityRange(range[0], range[1], range[2]),
            ValidationSplit = parse.GetValue(_validationSplit),
            PrintFrequency = parse.GetValue(_printFreq),
            Name = parse.GetValue(_name),
            Confusion = parse.GetValue(_confusion),
            CalibrationData = parse.GetValue(_calibrationData) == "train" ? DataSplit.Train : DataSplit.Test,
        };
    }
}
