using System.CommandLine;
using Distiller.Typed.Samples.ResNetPrune.Cli;
using Distiller.Typed.Samples.ResNetPrune.Training;

namespace Distiller.Typed.Sample.Tests;

/// <summary>Runs the ResNetPrune program in-process with captured output.</summary>
internal static class ProgramRunner
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args) => RunWithWriteHook(null, args);

    /// <summary>Runs with <paramref name="beforeWriteStep"/> called before each write step of every epoch's commit.</summary>
    public static (int ExitCode, string Output, string Error) RunWithWriteHook(Action<string>? beforeWriteStep, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = new ClassifierCommand((settings, o) =>
            {
                ClassifierJob.Execute(settings, o, beforeWriteStep);
                return 0;
            }).Root.Parse(args)
            .Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>A tiny job: the shipped subset, a few minibatches of 16 per pass.</summary>
    public static string[] Tiny(string outDir, int epochs, params string[] more) =>
        ["--data", "subset", "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
         "--max-batches", "3", "-b", "16", "--seed", "5", "--device", "cpu", "--out-dir", outDir, .. more];
}
