using Distiller.Typed.Samples.ResNetPrune.Cli;
using Distiller.Typed.Samples.ResNetPrune.Training;

return new ClassifierCommand(ClassifierJob.Run).Root.Parse(args).Invoke();
