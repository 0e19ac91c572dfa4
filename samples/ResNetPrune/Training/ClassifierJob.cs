using System.Diagnostics;
using System.Globalization;
using Distiller.Typed.Policies;
using Distiller.Typed.Quantization.Calibration;
using Distiller.Typed.Quantization.PostTraining;
using Distiller.Typed.Samples.ResNetPrune.Compression;
using Distiller.Typed.Samples.ResNetPrune.Checkpoints;
using Distiller.Typed.Samples.ResNetPrune.Cli;
using Distiller.Typed.Samples.ResNetPrune.Data;
using Distiller.Typed.Samples.ResNetPrune.Models;
using Distiller.Typed.Samples.ResNetPrune.Sensitivity;
using Distiller.Typed.Sensitivity;
using Distiller.Typed.Samples.ResNetPrune.Summaries;
using Distiller.Typed.Scheduling;
using Distiller.Typed.Summaries;
using Distiller.Typed.Training;
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

    public const string CalibrationStatsFileName = "quantization_stats.yaml";

    public static int Run(ClassifierSettings settings, TextWriter output)
    {
        output.WriteLine(Platform.CpuKernelGuard.Choice);
        Execute(settings, output);
        return 0;
    }

    /// <summary>Runs the job and returns its final accuracy and sparsity (null when it only printed a summary or had nothing to train).</summary>
    /// <param name="beforeWriteStep">Called before each write step of an epoch's commit (<see cref="RunFolder.Commit"/>); tests inject failures here.</param>
    public static JobResult? Execute(ClassifierSettings settings, TextWriter output, Action<string>? beforeWriteStep = null)
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

        // A training run takes its folder first: the lock, and the completion of a commit a killed run left there
        // (which may be the checkpoint it resumes from).
        var sense = settings.Experiment.Sense;
        var trains = !settings.Evaluate && settings.Summary is null && settings.PostTrainQuantization.Calibration is null && sense is null && !settings.Thinnify;
        var outDir = settings.OutDir ?? Path.Combine("logs", $"{settings.Experiment.Name ?? settings.Arch}___{DateTime.Now:yyyy.MM.dd-HHmmss}");
        if (settings.Experiment.Name is { } experimentName && settings.OutDir is not null)
            output.WriteLine($"Warning: --name {experimentName} names the default output folder (logs/{experimentName}___TIMESTAMP); --out-dir {settings.OutDir} is used as given.");
        using var folder = trains ? RunFolder.Open(outDir, settings.ResumeFrom, settings.OverwriteOutDir, output, beforeWriteStep) : null;

        var resumed = settings.ResumeFrom is null ? null : Checkpoint.ReadInfo(settings.ResumeFrom);
        if (resumed is not null && resumed.Arch != settings.Arch)
            throw new ArgumentException(
                $"--resume-from '{settings.ResumeFrom}' holds a {resumed.Arch} model but --arch is {settings.Arch}; pass --arch {resumed.Arch}.");
        if (trains && resumed is not null && settings.CompressionSchedule is null && Checkpoint.HasScheduleState(settings.ResumeFrom!))
            throw new ArgumentException(
                $"{settings.ResumeFrom}: the checkpoint is of a compressed run (schedule {resumed.Schedule ?? "unknown"}); resuming it without --compress would " +
                "drop its masks and schedule and train the pruned weights back to dense. Continue it with " +
                $"--compress {resumed.Schedule ?? "SCHEDULE"} --resume-from {settings.ResumeFrom}, or start a new run from its weights with " +
                $"--exp-load-weights-from {settings.ResumeFrom} (with --compress to keep pruning).");
        var seed = settings.Seed ?? resumed?.Seed ?? (settings.Deterministic ? 0 : Random.Shared.Next());
        random.manual_seed(seed);

        using var model = Architectures.Create(settings.Arch);
        model.to(device);
        if (settings.ExpLoadWeightsFrom is { } weightsPath)
        {
            var info = Checkpoint.ReadInfo(weightsPath);
            if (info.Arch != settings.Arch)
                throw new ArgumentException(
                    $"--exp-load-weights-from '{weightsPath}' holds a {info.Arch} model but --arch is {settings.Arch}; pass --arch {info.Arch}.");
            Checkpoint.Load(weightsPath, model);
            model.to(device);
            if (info.Schedule is { } pruned && settings.CompressionSchedule is null && trains)
                output.WriteLine($"Warning: {weightsPath} is of a compressed run (schedule {pruned}); without --compress its pruned weights will be trained back to dense.");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Weights: {weightsPath} (saved after epoch {info.Epoch + 1}; that run's best top-1 {info.BestTop1:F2}%); optimizer, schedule and epochs start afresh"));
        }
        if (settings.Summary is not null && resumed is not null)
            Checkpoint.Load(settings.ResumeFrom!, model);
        if (settings.Summary is { } summary)
        {
            WriteSummary(summary, settings.Arch, model, device, output);
            return null;
        }
        if (settings.Thinnify)
            return Thinning.ThinnifyJob.Run(settings, model, device, output);

        var dataDirectory = FashionMnist.ResolveDirectory(settings.DataDirectory);
        using var test = FashionMnist.Load(dataDirectory, DataSplit.Test);
        using var trainSet = trains ? FashionMnist.Load(dataDirectory, DataSplit.Train) : null;
        // Distiller's split: validation (best checkpoint, metric-driven LR schedulers) on images held out of the
        // training set, the test set only at the end; --vs 0 validates on the test set.
        var (train, validation) = trainSet is not null && settings.Experiment.ValidationSplit > 0
            ? ValidationSplit.Split(trainSet, settings.Experiment.ValidationSplit, seed)
            : (trainSet, null);
        using var trainSplit = ReferenceEquals(train, trainSet) ? null : train;
        using var validationSplit = validation;
        var validationSet = validation ?? test;
        output.WriteLine($"Data: {dataDirectory} ({train?.Count.ToString(CultureInfo.InvariantCulture) ?? "-"} training, " +
                         $"{(validation is null ? "the test set validates" : $"{validation.Count} validation (--vs {settings.Experiment.ValidationSplit.ToString(CultureInfo.InvariantCulture)})")}, {test.Count} test images)");
        output.WriteLine($"Model: {settings.Arch} on {device.type}, seed {seed}");

        using var teacher = settings.Distillation is { } kd ? CreateTeacher(kd, device, output) : null;
        var distillation = settings.Distillation is { } d && teacher is not null
            ? new KnowledgeDistillationPolicy(model, teacher, d.Temperature, d.Weights, d.StartEpoch)
            : null;

        var trained = distillation is { Weights.Teacher: > 0 } ? model.parameters().Concat(teacher!.parameters()) : model.parameters();
        using var optimizer = optim.SGD(trained, settings.LearningRate, settings.Momentum, weight_decay: settings.WeightDecay);
        using var hooks = CreateCompressionHooks(settings, model, optimizer, distillation, resumed?.Epoch, output);

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

        var guard = new NonFiniteLossGuard();
        if (resumed is not null)
            guard.CheckpointSaved(settings.ResumeFrom!, resumed.Epoch);
        var trainer = new ClassifierTrainer(model, optimizer, hooks, device, guard, distillation);
        if (settings.PostTrainQuantization.Calibration is { } portion)
        {
            using var trainImages = settings.Experiment.CalibrationData == DataSplit.Train ? FashionMnist.Load(dataDirectory, DataSplit.Train) : null;
            CollectCalibrationStats(model, trainImages ?? test, portion, settings, device, output);
            return null;
        }
        if (sense is { } group)
        {
            SensitivityJob.Run(model, group, settings.Experiment.SenseRange, test, data => trainer.Evaluate(data, settings.BatchSize, settings.MaxBatches),
                outDir, settings.Arch, output);
            return null;
        }
        if (settings.Evaluate)
        {
            if (settings.PostTrainQuantization.QuantizeEval)
                QuantizeForEvaluation(model, settings, device, output);
            var result = Test(trainer, test, settings, output);
            WriteSparsityTable(model, output);
            return new JobResult(result.Top1, result.Top1, -1, ModelSparsity.TotalPercent(model), null, result.Top1);
        }

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
            var progress = new ProgressBar(output, $"Epoch {epoch + 1}/{settings.Epochs}", ExpectedBatches(train!.Count, settings), interactive,
                settings.Experiment.PrintFrequency);
            var trained_ = trainer.TrainEpoch(epoch, train, settings.BatchSize, ShuffleSeed(seed, epoch), settings.MaxBatches, progress);
            last = trainer.Evaluate(validationSet, settings.BatchSize, settings.MaxBatches);
            var sparsity = ModelSparsity.TotalPercent(model);
            hooks.OnEpochEnd(new EpochContext(model, hooks.Masks, epoch, optimizer)
            {
                Metrics = new Dictionary<string, double> { ["top1"] = last.Top1, ["top5"] = last.Top5, ["loss"] = last.Loss },
            });

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  ==> Top1: {last.Top1:F3}    Top5: {last.Top5:F3}    Loss: {last.Loss:F4}    Sparsity: {sparsity:F2}%"));
            csv.Add(epoch, lr, trained_.OverallLoss, last.Loss, last.Top1, last.Top5, sparsity);
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
            // The epoch's commit point: checkpoint, best and metrics move into place together.
            var checkpoint = Checkpoint.Serialize(new CheckpointInfo(settings.Arch, epoch, bestTop1, bestEpoch, seed, settings.CompressionSchedule),
                model, optimizer, hooks, distillation is { Weights.Teacher: > 0 } ? teacher : null);
            List<(string, byte[])> files = [(MetricsCsv.FileName, csv.Contents()), (CheckpointFileName, checkpoint)];
            if (isBest)
                files.Add((BestFileName, checkpoint));
            folder!.Commit(files);
            guard.CheckpointSaved(Path.Combine(outDir, CheckpointFileName), epoch);
        }

        // Distiller's end of run: the weights sparsity table, printed and written as weights_sparsity.csv.
        WriteSparsityTable(model, output);
        var csvPath = WeightsSparsityCsv.Write(model, outDir);
        output.WriteLine($"Wrote {csvPath}");
        JobResult? final = null;
        if (last is not null)
        {
            var tested = Test(trainer, test, settings, output);
            var schedule = Path.GetFileName(settings.CompressionSchedule);
            var kind = hooks is SchedulerHooks { Scheduler.Policies: var policies } && policies.Any(p => p.Policy is not LRPolicy)
                ? $"Compressed model ({schedule})"
                : schedule is null ? "Dense model" : $"Dense model (learning-rate schedule {schedule})";
            var validated = validation is null ? "the test set validates" : "validation";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind} ({settings.Arch}): top-1 {tested.Top1:F2}%  top-5 {tested.Top5:F2}% on the test set  ({validated}: last top-1 {last.Top1:F2}%, best {bestTop1:F2}% at epoch {bestEpoch + 1})"));
            final = new JobResult(last.Top1, bestTop1, bestEpoch, ModelSparsity.TotalPercent(model), outDir, tested.Top1);
        }
        else
        {
            output.WriteLine($"Nothing to train: the checkpoint already completed {startEpoch} of --epochs {settings.Epochs}.");
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total time: {clock.Elapsed.TotalSeconds:F1} s"));
        return final;
    }

    /// <summary>The test-set evaluation of the model as it is (Distiller's <c>test</c>), with the confusion matrix under <c>--confusion</c>.</summary>
    private static EvaluationResult Test(ClassifierTrainer trainer, LabeledImages test, ClassifierSettings settings, TextWriter output)
    {
        var confusion = settings.Experiment.Confusion ? new ConfusionMatrix(FashionMnist.Classes) : null;
        var result = trainer.Evaluate(test, settings.BatchSize, settings.MaxBatches, confusion);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Test: loss {result.Loss:F4}  top1 {result.Top1:F2}  top5 {result.Top5:F2}  sparsity {ModelSparsity.TotalPercent(trainer.Model):F2}%"));
        if (confusion is not null)
            output.WriteLine("Confusion matrix (test set):" + Environment.NewLine + confusion.Format(FashionMnist.ClassNames));
        return result;
    }

    private static void WriteSparsityTable(nn.Module model, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("Parameters:");
        output.WriteLine(WeightsSparsitySummary.Compute(model).ToString());
    }

    private static void WriteSummary(string summary, string arch, nn.Module<Tensor, Tensor> model, Device device, TextWriter output)
    {
        switch (summary)
        {
            case "model":
                ModelSummary.Write(output, arch, model);
                break;
            case "sparsity":
                output.WriteLine(WeightsSparsitySummary.Compute(model).ToString());
                break;
            case "compute":
                using (var input = zeros([1, 1, Data.FashionMnist.ImageSize, Data.FashionMnist.ImageSize], device: device))
                    output.WriteLine(ComputeSummary.Compute(model, input).ToString());
                break;
            default:
                throw new ArgumentException($"--summary must be sparsity, compute or model; got '{summary}'.");
        }
    }

    /// <summary>
    /// <c>--quantize-eval</c>: replaces the model's layers with post-training linear quantization wrappers (Distiller's
    /// <c>quantize_and_test_model</c>), using <c>--qe-stats-file</c> statistics when given, before the test pass.
    /// </summary>
    private static void QuantizeForEvaluation(nn.Module<Tensor, Tensor> model, ClassifierSettings settings, Device device, TextWriter output)
    {
        var q = settings.PostTrainQuantization;
        using var dummy = zeros([1, 1, Data.FashionMnist.ImageSize, Data.FashionMnist.ImageSize], device: device);
        PostTrainLinearQuantizer quantizer;
        try
        {
            quantizer = q.CreateQuantizer(model);
            if (quantizer.ModelActivationStats.Count > 0)
                StatsValidation.Check(model, dummy, quantizer.ModelActivationStats, q.StatsFile ?? $"{q.ConfigFile}: its model_activation_stats");
        }
        catch (Exception e) when (e is FormatException || (e is ArgumentException && q.ConfigFile is not null))
        {
            // The quantization readers' bad-file exceptions (their messages name the file, or the config file's entry).
            var file = q.StatsFile ?? q.ConfigFile;
            throw new InvalidDataException(file is null || e.Message.Contains(file, StringComparison.Ordinal) ? e.Message : $"{file}: {e.Message}", e);
        }
        quantizer.PrepareModel(dummy);
        model.to(device);
        foreach (var warning in quantizer.Warnings)
            output.WriteLine($"Warning: {warning}");
        output.WriteLine($"Quantized for evaluation: PostTrainLinearQuantizer, weights {q.BitsWeights?.ToString(CultureInfo.InvariantCulture) ?? "float"} bits, " +
                         $"activations {q.BitsActivations?.ToString(CultureInfo.InvariantCulture) ?? "float"} bits, {q.Mode}" +
                         (q.StatsFile is null ? " (no stats file: activation ranges computed per batch)" : $", stats {q.StatsFile}"));
    }

    /// <summary>
    /// <c>--qe-calibration PORTION</c>: runs that portion of the test set (or, with <c>--qe-calibration-data train</c>, of
    /// the training set) through the model, first images first, and writes the activation statistics (Distiller's
    /// <c>acts_quant_stats.yaml</c>) for a later <c>--quantize-eval --qe-stats-file</c>.
    /// </summary>
    private static void CollectCalibrationStats(nn.Module<Tensor, Tensor> model, Data.LabeledImages images, double portion, ClassifierSettings settings,
        Device device, TextWriter output)
    {
        using var scope = NewDisposeScope(); // the calibration batches
        var count = Math.Max(1, (int)Math.Ceiling(images.Count * portion));
        var batches = images.Minibatches(settings.BatchSize, shuffleSeed: null, maxBatches: 0)
            .Select(indices => indices.Where(i => i < count).ToArray()) // in order: the first `count` images
            .Where(indices => indices.Length > 0)
            .Select(indices => images.Batch(indices, device).Input);
        var stats = new QuantCalibrationStatsCollector(model).Collect(batches.ToList());
        var outDir = settings.OutDir ?? ".";
        Directory.CreateDirectory(outDir);
        var path = Path.Combine(outDir, CalibrationStatsFileName);
        DurableFile.Write(path, System.Text.Encoding.UTF8.GetBytes(StatsYaml.Write(stats))); // whole or not at all
        output.WriteLine($"Wrote the activation statistics of the first {count} {(settings.Experiment.CalibrationData == DataSplit.Train ? "training" : "test")} images to {path}; evaluate with --quantize-eval --qe-stats-file {path}");
    }

    /// <summary>The data order of an epoch depends only on the run's seed and the epoch, so a resumed run sees the same order.</summary>
    public static int ShuffleSeed(int seed, int epoch) => unchecked(seed * 1009 + epoch);

    /// <summary>
    /// The hook-in point for <c>--compress</c>: the hooks the training loop calls. Knowledge distillation is a policy
    /// among them, as in Distiller (<c>compression_scheduler.add_policy(kd_policy, starting_epoch=args.kd_start_epoch)</c>).
    /// A compression scheduler built from <see cref="ClassifierSettings.CompressionSchedule"/> takes the place of
    /// <see cref="PolicyList"/> here, with the distillation policy added to it.
    /// </summary>
    private static ICompressionHooks CreateCompressionHooks(ClassifierSettings settings, nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer,
        KnowledgeDistillationPolicy? distillation, int? resumedEpoch, TextWriter output)
    {
        if (settings.CompressionSchedule is not { } path)
            return new PolicyList(model, distillation is null ? [] : [distillation]);

        CompressionScheduler scheduler;
        if (CompiledSchedules.Match(path, settings.Arch) is { } compiled)
        {
            scheduler = compiled.Build(model, optimizer);
            output.WriteLine($"Schedule: {path} (compiled into the program; typed builder for {compiled.Arch})");
        }
        else
        {
            // Checked against the model's names when loaded; every problem is reported at its file(line,col).
            scheduler = CompressionSchedulerLoader.FromFile(model, optimizer, path, resumedEpoch,
                warnings: warning => output.WriteLine($"Warning: {warning}"));
            var note = CompiledSchedules.All.FirstOrDefault(e => e.FileName == Path.GetFileName(path)) is { } other
                ? other.Arch != settings.Arch ? $"; compiled for {other.Arch}, loaded at run time for {settings.Arch}" : "; edited copy, loaded at run time"
                : "; loaded at run time";
            output.WriteLine($"Schedule: {path} ({scheduler.Policies.Count} policies{note})");
        }
        CheckPolicies(scheduler, path, settings.Epochs, output);
        if (distillation is not null)
            scheduler.AddPolicy(distillation, 0, Math.Max(settings.Epochs, 1));
        return new SchedulerHooks(scheduler);
    }

    /// <summary>
    /// What only this run can tell about a schedule: that it compresses nothing at all (an error: the run would be a
    /// dense one labelled compressed), and policies that start at or after <c>--epochs</c> (a warning: they never run).
    /// </summary>
    private static void CheckPolicies(CompressionScheduler scheduler, string path, int epochs, TextWriter output)
    {
        if (scheduler.Policies.Count == 0)
        {
            scheduler.Dispose();
            throw new ArgumentException($"{path}: the schedule has no policies, so it would compress nothing; give a schedule with a 'policies:' section, or leave out --compress to train the dense model.");
        }
        foreach (var (policy, schedule) in scheduler.Policies)
            if (schedule.Epochs.Count > 0 && schedule.Epochs.Min() >= epochs)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Warning: {path}: the policy of {policy.Name} starts at epoch {schedule.Epochs.Min()}, after the last epoch of this run ({epochs - 1}, from --epochs {epochs}); it will never run."));
    }

    private static void Validate(ClassifierSettings settings)
    {
        RequireFile("--compress", settings.CompressionSchedule, "schedule file",
            $" The shipped schedules are in the repository's schedules/ folder and next to the program ({Path.Combine(AppContext.BaseDirectory, "schedules")}).");
        RequireFile("--resume-from", settings.ResumeFrom, "checkpoint");
        RequireFile("--exp-load-weights-from", settings.ExpLoadWeightsFrom, "checkpoint");
        RequireFile("--kd-resume", settings.Distillation?.TeacherCheckpoint, "checkpoint");
        RequireFile("--qe-stats-file", settings.PostTrainQuantization.StatsFile, "statistics file");
        RequireFile("--qe-config-file", settings.PostTrainQuantization.ConfigFile, "quantizer configuration file");
        foreach (var (flag, folder) in new[] { ("--out-dir", settings.OutDir), ("--data", settings.DataDirectory) })
            if (folder is { Length: 0 })
                throw new ArgumentException($"{flag}: the folder name is empty; give a folder.");
        if (settings.Distillation is { Pretrained: true, TeacherCheckpoint: null } kd)
            throw new ArgumentException(
                $"--kd-pretrained: this program has no pre-trained {kd.TeacherArch} weights to load (Distiller takes them from torchvision's model zoo; " +
                $"none exists for Fashion-MNIST and the program uses no network). Train the teacher with this program (--arch {kd.TeacherArch} --out-dir logs/teacher) " +
                "and pass its weights with --kd-resume logs/teacher/best.ckpt.");
        if (settings.Experiment.Sense is { } sense && settings.ResumeFrom is null && settings.ExpLoadWeightsFrom is null)
            throw new ArgumentException($"--sense {sense.Name()} measures trained weights: pass the checkpoint with --resume-from PATH (or --exp-load-weights-from PATH).");
        if (settings.Evaluate && settings.ResumeFrom is null && settings.ExpLoadWeightsFrom is null)
            throw new ArgumentException("--evaluate needs trained weights: pass the checkpoint to evaluate with --resume-from PATH (or --exp-load-weights-from PATH).");
        if (settings.ResumeFrom is not null && settings.ExpLoadWeightsFrom is not null)
            throw new ArgumentException("--resume-from and --exp-load-weights-from are mutually exclusive: resume continues a run, --exp-load-weights-from starts a new one from its weights.");
        if (settings.PostTrainQuantization.QuantizeEval && !settings.Evaluate)
            throw new ArgumentException("--quantize-eval quantizes the model for --evaluate; add --evaluate (and the checkpoint with --resume-from PATH).");
        if (settings.PostTrainQuantization.Calibration is not null && settings.ResumeFrom is null && settings.ExpLoadWeightsFrom is null)
            throw new ArgumentException("--qe-calibration collects statistics of trained weights: pass the checkpoint with --resume-from PATH.");
    }

    /// <summary>The file a flag names must exist and be a file: said with the flag, the full path and what was expected.</summary>
    private static void RequireFile(string flag, string? path, string what, string hint = "")
    {
        if (path is null)
            return;
        if (path.Length == 0)
            throw new ArgumentException($"{flag}: the file name is empty; give the path of a {what}.");
        if (Directory.Exists(path))
            throw new ArgumentException($"{flag}: '{Path.GetFullPath(path)}' is a folder; give the path of a {what} (a file).");
        if (!File.Exists(path))
            throw new FileNotFoundException($"{flag}: no {what} at '{Path.GetFullPath(path)}'.{hint}", path);
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
}
