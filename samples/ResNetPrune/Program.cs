using Distiller.Typed.Samples.ResNetPrune.Cli;
using Distiller.Typed.Samples.ResNetPrune.Training;

// No arguments: the default job (dense training, then AGP pruning, on the shipped subset). Otherwise the
// compress_classifier.py-style command line; --help lists every flag.
if (args.Length == 0)
    return ErrorPolicy.Run(() => DefaultJob.Run(Console.Out), Console.Error);
var parse = new ClassifierCommand(ClassifierJob.Run).Root.Parse(args);
return parse.Errors.Count > 0 ? ErrorPolicy.ReportParseErrors(parse.Errors, Console.Error) : parse.Invoke();
