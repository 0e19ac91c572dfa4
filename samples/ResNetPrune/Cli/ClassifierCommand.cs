using System.CommandLine;
using System.CommandLine.Parsing;
using Distiller.Typed.Distillation;
using Distiller.Typed.Quantization.CommandLine;
using Distiller.Typed.Scheduling;
using Distiller.Typed.Samples.ResNetPrune.Data;
using Distiller.Typed.Samples.ResNetPrune.Models;

namespace Distiller.Typed.Samples.ResNetPrune.Cli;

/// <summary>
/// The command line, with the flag names of Distiller's <c>compress_classifier.py</c>, and the <c>make-subset</c>
/// command that cut the shipped data.
/// </summary>
public sealed class ClassifierCommand
{
    public const int DefaultEpochs = 10;
    public const int DefaultBatchSize = 64;

    private readonly Option<string> _arch = new("--arch", "-a")
    {
        Description = $"Model architecture: {string.Join(", ", Architectures.Names)} (resnet20_narrow is ResNet-20 at half width, the fast default)",
        DefaultValueFactory = _ => Architectures.Default,
    };
    private readonly Option<int> _epochs = new("--epochs")
    {
        Description = "Number of epochs to train; a resumed run continues up to this many",
        DefaultValueFactory = _ => DefaultEpochs,
    };
    private readonly Option<int> _batchSize = new("--batch-size", "-b")
    {
        Description = "Minibatch size",
        DefaultValueFactory = _ => DefaultBatchSize,
    };
    private readonly Option<double> _lr = new("--lr", "--learning-rate")
    {
        Description = "Initial learning rate of SGD",
        DefaultValueFactory = _ => 0.1,
    };
    private readonly Option<double> _momentum = new("--momentum")
    {
        Description = "SGD momentum",
        DefaultValueFactory = _ => 0.9,
    };
    private readonly Option<double> _weightDecay = new("--wd", "--weight-decay")
    {
        Description = "Weight decay (L2 penalty) of SGD",
        DefaultValueFactory = _ => 1e-4,
    };
    private readonly Option<string?> _compress = new("--compress")
    {
        Description = "Compression schedule (Distiller YAML) to apply while training. A schedule compiled into this program " +
                      "(schedules/resnet20.*.yaml for resnet20, schedules/resnet20narrow.*.yaml for resnet20_narrow) uses its generated " +
                      "typed builder; any other file is loaded at run time and checked against the model's parameter and module names",
        HelpName = "SCHEDULE",
    };
    private readonly Option<bool> _evaluate = new("--evaluate")
    {
        Description = "Evaluate the model given by --resume-from (or --exp-load-weights-from) on the test set and exit; with --quantize-eval, quantized first",
    };
    private readonly Option<string?> _resumeFrom = new("--resume-from")
    {
        Description = "Checkpoint to resume from: continues its epochs, optimizer and compression state",
        HelpName = "PATH",
    };
    private readonly Option<string?> _loadWeights = new("--exp-load-weights-from")
    {
        Description = "Start from the model weights of this checkpoint only: fresh optimizer, schedule and epochs (e.g. prune a trained dense model)",
        HelpName = "PATH",
    };
    private readonly Option<string?> _outDir = new("--out-dir", "-o")
    {
        Description = "Folder for the metrics CSV, TensorBoard events and checkpoints (default: logs/ARCH___TIMESTAMP)",
        HelpName = "DIR",
    };
    private readonly Option<bool> _overwriteOutDir = new("--overwrite-out-dir")
    {
        Description = "Let a new run replace the results (checkpoints, metrics, TensorBoard events) of another run in --out-dir; without it such a folder is refused",
    };
    private readonly Option<int?> _seed = new("--seed")
    {
        Description = "Seed for weight initialisation and data shuffling (default: random, or the resumed checkpoint's)",
    };
    private readonly Option<bool> _deterministic = new("--deterministic", "--det")
    {
        Description = "Make the run repeatable: seed 0 unless --seed is given, no TF32 on CUDA (CPU runs repeat bit for bit at a fixed thread count)",
    };
    private readonly Option<string> _device = new("--device")
    {
        Description = "Where to train: auto (CUDA when available), cpu or cuda",
        DefaultValueFactory = _ => "auto",
    };
    private readonly Option<string?> _summary = new("--summary")
    {
        Description = "Print a summary of the model (with the weights of --resume-from or --exp-load-weights-from) and exit: model (modules and parameter shapes), sparsity (Distiller's weights sparsity table) or compute (MACs per layer)",
        HelpName = "sparsity|compute|model",
    };
    private readonly Option<string?> _data = new("--data")
    {
        Description = $"Folder with the four Fashion-MNIST *-ubyte.gz files, or '{FashionMnist.SubsetKeyword}' for the 2,000+500-image subset shipped with the program (default: {FashionMnist.SystemDirectory} when installed, else the subset)",
        HelpName = "DIR",
    };
    private readonly Option<int> _maxBatches = new("--max-batches")
    {
        Description = "Stop every training and validation pass after this many minibatches (0 = all; for smoke tests)",
        DefaultValueFactory = _ => 0,
    };
    private readonly DistillationOptions _distillation = new(Architectures.Names);
    private readonly PostTrainQuantizationOptions _quantization = new();
    private readonly ExperimentOptions _experiment = new();
    private readonly Thinning.ThinningOptions _thinning = new();

    public ClassifierCommand(Func<ClassifierSettings, TextWriter, int> run)
    {
        _arch.AcceptOnlyFromAmong([.. Architectures.Names]);
        _device.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        _summary.AcceptOnlyFromAmong("sparsity", "compute", "model");
        Positive(_epochs, allowZero: true);
        Positive(_batchSize, allowZero: false);
        Positive(_maxBatches, allowZero: true);
        NonNegative(_lr);
        NonNegative(_momentum);
        NonNegative(_weightDecay);

        Root = new RootCommand(
            "Trains, compresses and evaluates ResNets on Fashion-MNIST: the Distiller.Typed counterpart of Distiller's compress_classifier.py. " +
            "With no arguments it runs the default job on the shipped subset: trains the dense ResNet-20-narrow, prunes it with the compiled " +
            "AGP schedule and prints dense vs compressed accuracy and the sparsity table.");
        foreach (var option in new Option[] { _arch, _epochs, _batchSize, _lr, _momentum, _weightDecay, _compress, _evaluate, _resumeFrom, _loadWeights, _outDir, _overwriteOutDir, _seed, _deterministic, _device, _summary, _data, _maxBatches })
            Root.Options.Add(option);
        _distillation.AddTo(Root);
        _quantization.AddTo(Root);
        _experiment.AddTo(Root);
        _thinning.AddTo(Root);
        Root.SetAction(parse => ErrorPolicy.Run(() => run(Read(parse), parse.InvocationConfiguration.Output), parse.InvocationConfiguration.Error));
        Root.Subcommands.Add(MakeSubsetCommand());
        Root.Subcommands.Add(Sensitivity.SenseScheduleCommand.Create());
    }

    public RootCommand Root { get; }

    private ClassifierSettings Read(ParseResult parse) => new()
    {
        Arch = parse.GetValue(_arch)!,
        Epochs = parse.GetValue(_epochs),
        BatchSize = parse.GetValue(_batchSize),
        LearningRate = parse.GetValue(_lr),
        Momentum = parse.GetValue(_momentum),
        WeightDecay = parse.GetValue(_weightDecay),
        CompressionSchedule = parse.GetValue(_compress),
        Evaluate = parse.GetValue(_evaluate),
        ResumeFrom = parse.GetValue(_resumeFrom),
        ExpLoadWeightsFrom = parse.GetValue(_loadWeights),
        OutDir = parse.GetValue(_outDir),
        OverwriteOutDir = parse.GetValue(_overwriteOutDir),
        Seed = parse.GetValue(_seed),
        Deterministic = parse.GetValue(_deterministic),
        Device = parse.GetValue(_device)!,
        Summary = parse.GetValue(_summary),
        DataDirectory = parse.GetValue(_data),
        MaxBatches = parse.GetValue(_maxBatches),
        Distillation = _distillation.Read(parse),
        PostTrainQuantization = _quantization.Read(parse),
        Experiment = _experiment.Read(parse),
        Thinnify = _thinning.Read(parse),
    };

    private static Command MakeSubsetCommand()
    {
        var source = new Option<string>("--data") { Description = "Folder with the full Fashion-MNIST files", DefaultValueFactory = _ => FashionMnist.SystemDirectory };
        var target = new Option<string>("--out-dir", "-o") { Description = "Folder to write the subset to", Required = true };
        var train = new Option<int>("--train-per-class") { Description = "Training images per class", DefaultValueFactory = _ => 200 };
        var test = new Option<int>("--test-per-class") { Description = "Test images per class", DefaultValueFactory = _ => 50 };
        var command = new Command("make-subset", "Cut a class-balanced Fashion-MNIST subset (how data/ was made)") { source, target, train, test };
        command.SetAction(parse => ErrorPolicy.Run(() =>
        {
            FashionMnistSubset.Create(parse.GetValue(source)!, parse.GetValue(target)!, parse.GetValue(train), parse.GetValue(test));
            parse.InvocationConfiguration.Output.WriteLine($"Wrote the subset to {parse.GetValue(target)}.");
            return 0;
        }, parse.InvocationConfiguration.Error));
        return command;
    }

    private static void Positive(Option<int> option, bool allowZero) => option.Validators.Add(result =>
    {
        var value = result.GetValueOrDefault<int>();
        if (value < 0 || (value == 0 && !allowZero))
            result.AddError($"{option.Name} must be {(allowZero ? ">= 0" : "> 0")}; got {value}.");
    });

    private static void NonNegative(Option<double> option) => option.Validators.Add(result =>
    {
        var value = result.GetValueOrDefault<double>();
        if (!double.IsFinite(value) || value < 0)
            result.AddError($"{option.Name} must be a number >= 0; got {value}.");
    });
}
