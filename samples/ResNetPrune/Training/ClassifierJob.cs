using System.Diagnostics;
using System.Globalization;
using Distiller.Typed.Policies;
using Distiller.Typed.Samples.ResNetPrune.Checkpoints;
using Distiller.Typed.Samples.ResNetPrune.Cli;
using Distiller.Typed.Samples.ResNetPrune.Data;
using Distiller.Typed.Samples.ResNetPrune.Models;
using Distiller.Typed.Samples.ResNetPrune.Summaries;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Training;

/// <summary>
/// One run of the program (Distiller's <c>ClassifierCompressor</c>): builds the model, data, optimizer, compression
/// hooks and teacher; resumes from a checkpoint; trains and validates epoch by epoch, writing
/// <c>metrics.csv</c>, TensorBoard events and the <c>checkpoint</c>/<c>best</c> files; prints the final accuracy.
/// </summary>
public static class ClassifierJob
{
    public const string CheckpointFileName = "checkpoint.ckpt";
    public const string BestFileName = "best.ckpt";

    public static int Run(ClassifierSettings settings, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        Validate(settings);
        var device = ChooseDevice(settings.Device);
        if (settings.Deterministic)
        {
            // TorchSharp 0.107 does not implement use_deterministic_algorithms, so this is what can be done: a fixed
            // seed (0 unless given), deterministic cuBLAS workspaces and no TF32. CPU runs are then bit-for-bit
            // repeatable for a given thread count; CUDA convolutions may still pick non-deterministic kernels.
            Environment.SetEnvironmentVariable("CUBLAS_WORKSPACE_CONFIG", Environment.GetEnvironmentVariable("CUBLAS_WORKSPACE_CONFIG") ?? ":4096:8");
            backends.cuda.matmul.allow_tf32 = false;
            backends.cudnn.allow_tf32 = false;
        }

        var resumed = settings.ResumeFrom is null ? null : Checkpoint.ReadInfo(settings.ResumeFrom);
        if (resumed is not null && resumed.Arch != settings.Arch)
            throw new ArgumentException(
                $"--resume-from '{settings.ResumeFrom}' holds a {resumed.Arch} model but --arch is {settings.Arch}; pass --arch {resumed.Arch}.");
        var seed = settings.Seed ?? resumed?.Seed ?? (settings.Deterministic ? 0 : Random.Shared.Next());
        random.manual_seed(seed);

        using var model = Architectures.Create(settings.Arch);
        model.to(device);
        if (settings.Summary == "model")
        {
            ModelSummary.Write(output, settings.Arch, model);
            return 0;
        }

        var dataDirectory = FashionMnist.ResolveDirectory(settings.DataDirectory);
        using var test = FashionMnist.Load(dataDirectory, DataSplit.Test);
        using var train = settings.Evaluate ? null : FashionMnist.Load(dataDirectory, DataSplit.Train);
        output.WriteLine($"Data: {dataDirectory} ({train?.Count.ToString(CultureInfo.InvariantCulture) ?? "-"} training, {test.Count} test images)");
        output.WriteLine($"Model: {settings.Arch} on {device.type}, seed {seed}");

        using var teacher = settings.Distillation is { } kd ? CreateTeacher(kd, device, output) : null;
        var distillation = settings.Distillation is { } d && teacher is not null
            ? new KnowledgeDistillationPolicy(model, teacher, d.Temperature, d.Weights, d.StartEpoch)
            : null;

        var trained = distillation is { Weights.Teacher: > 0 } ? model.parameters().Concat(teacher!.parameters()) : model.parameters();
        using var optimizer = optim.SGD(trained, settings.LearningRate, settings.Momentum, weight_decay: settings.WeightDecay);
        using var hooks = CreateCompressionHooks(settings, model, distillation);

        var startEpoch = 0;
        double bestTop1 = double.NegativeInfinity;
        var bestEpoch = -1;
        if (resumed is not null)
        {
            Checkpoint.Load(settings.ResumeFrom!, model, optimizer, hooks, distillation is { Weights.Teacher: > 0 } ? teacher : null, restoreRng: true);
            model.to(device);
            optimizer.to(device); // momentum buffers are read onto the CPU
            startEpoch = resumed.Epoch + 1;
            (bestTop1, bestEpoch) = (resumed.BestTop1, resumed.BestEpoch);
            output.WriteLine($"Resumed from {settings.ResumeFrom} after epoch {resumed.Epoch}");
        }

        var trainer = new ClassifierTrainer(model, optimizer, hooks, device, distillation);
        if (settings.Evaluate)
        {
            var result = trainer.Evaluate(test, settings.BatchSize, settings.MaxBatches);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Test: loss {result.Loss:F4}  top1 {result.Top1:F2}  top5 {result.Top5:F2}  sparsity {ModelSparsity.TotalPercent(model):F2}%"));
            return 0;
        }

        var outDir = settings.OutDir ?? Path.Combine("logs", $"{settings.Arch}___{DateTime.Now:yyyy.MM.dd-HHmmss}");
        Directory.CreateDirectory(outDir);
        output.WriteLine($"Logging to {Path.GetFullPath(outDir)}");
        var csv = new MetricsCsv(outDir, startEpoch);
        var tensorBoard = new TensorBoardLog(outDir);
        var interactive = ProgressBar.IsTerminal(output);

        EvaluationResult? last = null;
        for (var epoch = startEpoch; epoch < settings.Epochs; epoch++)
        {
            var epochContext = new EpochContext(model, hooks.Masks, epoch, optimizer);
            hooks.OnEpochBegin(epochContext);
            var lr = ClassifierTrainer.LearningRate(optimizer);
            var progress = new ProgressBar(output, $"Epoch {epoch + 1}/{settings.Epochs}", ExpectedBatches(train!.Count, settings), interactive);
            var trained_ = trainer.TrainEpoch(epoch, train, settings.BatchSize, ShuffleSeed(seed, epoch), settings.MaxBatches, progress);
            last = trainer.Evaluate(test, settings.BatchSize, settings.MaxBatches);
            var sparsity = ModelSparsity.TotalPercent(model);
            hooks.OnEpochEnd(new EpochContext(model, hooks.Masks, epoch, optimizer)
            {
                Metrics = new Dictionary<string, double> { ["top1"] = last.Top1, ["top5"] = last.Top5, ["loss"] = last.Loss },
            });

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  ==> Top1: {last.Top1:F3}    Top5: {last.Top5:F3}    Loss: {last.Loss:F4}    Sparsity: {sparsity:F2}%"));
            csv.Append(epoch, lr, trained_.OverallLoss, last.Loss, last.Top1, last.Top5, sparsity);
            var scalars = new Dictionary<string, double>
            {
                ["Train/Loss"] = trained_.OverallLoss, ["Train/ObjectiveLoss"] = trained_.ObjectiveLoss, ["Train/Top1"] = trained_.Top1,
                ["Val/Loss"] = last.Loss, ["Val/Top1"] = last.Top1, ["Val/Top5"] = last.Top5,
                ["LR"] = lr, ["Sparsity/Total"] = sparsity,
            };
            foreach (var (name, value) in trained_.LossComponents)
                scalars[$"Train/{name}"] = value;
            tensorBoard.Epoch(epoch, scalars);

            // Distiller's is_best: higher top-1 (ties keep the earlier epoch).
            var isBest = last.Top1 > bestTop1;
            if (isBest)
                (bestTop1, bestEpoch) = (last.Top1, epoch);
            var checkpointPath = Path.Combine(outDir, CheckpointFileName);
            Checkpoint.Save(checkpointPath, new CheckpointInfo(settings.Arch, epoch, bestTop1, bestEpoch, seed), model, optimizer, hooks,
                distillation is { Weights.Teacher: > 0 } ? teacher : null);
            if (isBest)
                CopyAtomically(checkpointPath, Path.Combine(outDir, BestFileName));
        }

        if (last is not null)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Dense model ({settings.Arch}): top-1 {last.Top1:F2}%  top-5 {last.Top5:F2}%  (best top-1 {bestTop1:F2}% at epoch {bestEpoch + 1})"));
        else
            output.WriteLine($"Nothing to train: the checkpoint already completed {startEpoch} of --epochs {settings.Epochs}.");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total time: {clock.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    /// <summary>The data order of an epoch depends only on the run's seed and the epoch, so a resumed run sees the same order.</summary>
    public static int ShuffleSeed(int seed, int epoch) => unchecked(seed * 1009 + epoch);

    /// <summary>
    /// The hook-in point for <c>--compress</c>: the hooks the training loop calls. Knowledge distillation is a policy
    /// among them, as in Distiller (<c>compression_scheduler.add_policy(kd_policy, starting_epoch=args.kd_start_epoch)</c>).
    /// A compression scheduler built from <see cref="ClassifierSettings.CompressionSchedule"/> takes the place of
    /// <see cref="PolicyList"/> here, with the distillation policy added to it.
    /// </summary>
    private static ICompressionHooks CreateCompressionHooks(ClassifierSettings settings, nn.Module model, KnowledgeDistillationPolicy? distillation)
    {
        EnsureCompressionAvailable(settings);
        return new PolicyList(model, distillation is null ? [] : [distillation]);
    }

    private static void EnsureCompressionAvailable(ClassifierSettings settings)
    {
        if (settings.CompressionSchedule is not null)
            throw new NotSupportedException(
                $"--compress {settings.CompressionSchedule}: this build of ResNetPrune has no compression scheduler connected yet, " +
                "so schedules cannot be applied. Run without --compress to train the dense model.");
    }

    private static void Validate(ClassifierSettings settings)
    {
        EnsureCompressionAvailable(settings); // before any data is read
        if (settings.Summary is "sparsity" or "compute")
            throw new NotSupportedException($"--summary {settings.Summary} is not available in this build yet; --summary model is.");
        if (settings.Evaluate && settings.ResumeFrom is null)
            throw new ArgumentException("--evaluate needs trained weights: pass the checkpoint to evaluate with --resume-from PATH.");
    }

    private static Device ChooseDevice(string choice) => choice switch
    {
        "cpu" => CPU,
        "cuda" => cuda.is_available()
            ? CUDA
            : throw new ArgumentException("--device cuda: no CUDA device is available to this build (it links the CPU libtorch unless built with TorchBackend=cuda); use --device cpu or auto."),
        "auto" => cuda.is_available() ? CUDA : CPU,
        _ => throw new ArgumentException($"--device must be auto, cpu or cuda; got '{choice}'."),
    };

    private static nn.Module<Tensor, Tensor> CreateTeacher(Distillation.DistillationSettings kd, Device device, TextWriter output)
    {
        var teacher = Architectures.Create(kd.TeacherArch);
        if (kd.TeacherCheckpoint is { } path)
        {
            var info = Checkpoint.ReadInfo(path);
            if (info.Arch != kd.TeacherArch)
                throw new ArgumentException($"--kd-resume '{path}' holds a {info.Arch} model but --kd-teacher is {kd.TeacherArch}.");
            Checkpoint.Load(path, teacher);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Teacher: {kd.TeacherArch} from {path} (saved after epoch {info.Epoch + 1}; that run's best top-1 {info.BestTop1:F2}%)"));
        }
        else
        {
            output.WriteLine($"Warning: the teacher {kd.TeacherArch} has random weights; pass its trained checkpoint with --kd-resume.");
        }
        teacher.to(device);
        teacher.eval();
        return teacher;
    }

    private static int ExpectedBatches(int count, ClassifierSettings settings)
    {
        var batches = (count + settings.BatchSize - 1) / settings.BatchSize;
        return settings.MaxBatches > 0 ? Math.Min(batches, settings.MaxBatches) : batches;
    }

    private static void CopyAtomically(string source, string destination)
    {
        var temporary = destination + $".{Environment.ProcessId}.tmp";
        File.Copy(source, temporary, overwrite: true);
        File.Move(temporary, destination, overwrite: true);
    }
}
