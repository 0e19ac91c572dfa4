using Distiller.Typed.Distillation;
using Distiller.Typed.Quantization.CommandLine;

namespace Distiller.Typed.Samples.ResNetPrune.Cli;

/// <summary>Everything one run of the classifier was asked to do (the parsed command line).</summary>
public sealed record ClassifierSettings
{
    public required string Arch { get; init; }
    public int Epochs { get; init; }
    public int BatchSize { get; init; }
    public double LearningRate { get; init; }
    public double Momentum { get; init; }
    public double WeightDecay { get; init; }
    public string? CompressionSchedule { get; init; }
    public bool Evaluate { get; init; }
    public string? ResumeFrom { get; init; }
    /// <summary>Checkpoint whose model weights start the run (fresh optimizer, schedule and epoch count).</summary>
    public string? ExpLoadWeightsFrom { get; init; }
    public string? OutDir { get; init; }
    /// <summary>Replace another run's results in <see cref="OutDir"/> instead of refusing the folder.</summary>
    public bool OverwriteOutDir { get; init; }
    public int? Seed { get; init; }
    public bool Deterministic { get; init; }
    public string Device { get; init; } = "auto";
    public string? Summary { get; init; }
    public string? DataDirectory { get; init; }
    public int MaxBatches { get; init; }
    public DistillationSettings? Distillation { get; init; }
    public PostTrainQuantizationSettings PostTrainQuantization { get; init; } = new();
    /// <summary>Sensitivity analysis, validation split, progress, name and confusion flags.</summary>
    public ExperimentSettings Experiment { get; init; } = new();

    /// <summary><c>--thinnify</c>: thin the <see cref="ResumeFrom"/> model, save and reload it.</summary>
    public bool Thinnify { get; init; }
}
