using Distiller.Typed.Samples.ResNetPrune.Cli;
using Distiller.Typed.Samples.ResNetPrune.Training;

// No arguments: the default job (dense training, then AGP pruning, on the shipped subset). Otherwise the
// compress_classifier.py-style command line; --help lists every flag.
return args.Length == 0
    ? ErrorPolicy.Run(() => DefaultJob.Run(Console.Out), Console.Error)
    : new ClassifierCommand(ClassifierJob.Run).Root.Parse(args).Invoke();
