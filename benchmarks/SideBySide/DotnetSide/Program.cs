using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Distiller.Typed.Platform;
using Distiller.Typed.Samples.ResNetPrune.Models;
using Distiller.Typed.Scheduling;
using TorchSharp;
using static TorchSharp.torch;

// The Distiller.Typed side of the side-by-side benchmark; pytorch_side.py is the other. One row per process, one JSON
// line: the seconds of each measured repetition, peak resident memory and the kernels libtorch used.
//   dotnet Distiller.Typed.SideBySide.dll ROW [--steps N] [--warmup N] [--threads N]
// Rows: train-plain, train-agp, train-agp-l1, agp-masks, eval, convs, overhead (plain / AGP / AGP + L1 steps interleaved).
var options = Options.Parse(args);
var kernels = CpuKernelGuard.Choice; // before the first torch call
torch.set_num_threads(options.Threads);
manual_seed(0);
var here = AppContext.BaseDirectory;
string Schedule(string name) => Path.Combine(here, name);

using var model = Architectures.Create("resnet20");
using var optimizer = optim.SGD(model.parameters(), 0.1, momentum: 0.9, weight_decay: 1e-4);
using var x = randn(128, 1, 28, 28);
using var y = randint(0, 10, [128]);
var result = new Dictionary<string, object?>
{
    ["side"] = "distiller-typed", ["row"] = options.Row, ["version"] = typeof(torch).Assembly.GetName().Version?.ToString(),
    ["isa"] = CpuKernelGuard.AtenCapability(), ["onednn"] = CpuKernelGuard.OneDnnEnabled() == false ? "off" : kernels.Capped ? "on, SSE41" : "on",
    ["guard"] = kernels.Capped ? "safe" : "native", ["threads"] = torch.get_num_threads(), ["cpu"] = kernels.Cpu.ToString(),
};
const int Epoch = 2; // AGP active and pruning (epochs 0..4), as the PyTorch side

switch (options.Row)
{
    case "train-plain":
        result["seconds"] = Steps.Time(options, () => Steps.Plain(model, optimizer, x, y));
        break;
    case "train-agp" or "train-agp-l1":
    {
        var file = options.Row == "train-agp" ? "resnet20.schedule_agp.yaml" : "resnet20.agp_l1.yaml";
        using var scheduler = CompressionSchedulerLoader.FromFile(model, optimizer, Schedule(file));
        scheduler.OnEpochBegin(Epoch);
        result["seconds"] = Steps.Time(options, () => Steps.Scheduled(scheduler, model, optimizer, x, y));
        break;
    }
    case "agp-masks":
    {
        using var scheduler = CompressionSchedulerLoader.FromFile(model, optimizer, Schedule("resnet20.schedule_agp.yaml"));
        result["seconds"] = Steps.Time(options, () => { scheduler.OnEpochBegin(Epoch); return 0; });
        break;
    }
    case "eval":
        result["seconds"] = Steps.Evaluate(model, options);
        break;
    case "convs":
    {
        // Where a step's time goes: one 3x3 convolution of each ResNet-20 stage, forward + backward and forward alone.
        var shapes = new Dictionary<string, List<double>>();
        foreach (var (c, h) in new[] { (16, 28), (32, 14), (64, 7) })
        {
            using var input = randn(128, c, h, h).requires_grad_();
            using var weight = randn(c, c, 3, 3).requires_grad_();
            shapes[$"{c}x{h} fwd+bwd"] = Steps.Time(options, () =>
            {
                using var scope = NewDisposeScope();
                nn.functional.conv2d(input, weight, padding: [1, 1]).sum().backward();
                return 0;
            });
            shapes[$"{c}x{h} fwd"] = Steps.Time(options, () =>
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                nn.functional.conv2d(input, weight, padding: [1, 1]);
                return 0;
            });
        }
        result["shapes"] = shapes;
        result["seconds"] = shapes["16x28 fwd+bwd"];
        break;
    }
    case "overhead":
    {
        using var agp = CompressionSchedulerLoader.FromFile(model, optimizer, Schedule("resnet20.schedule_agp.yaml"));
        using var agpL1 = CompressionSchedulerLoader.FromFile(model, optimizer, Schedule("resnet20.agp_l1.yaml"));
        agp.OnEpochBegin(Epoch);
        agpL1.OnEpochBegin(Epoch);
        var (plain, withAgp, withL1) = (new List<double>(), new List<double>(), new List<double>());
        Func<double>[] rows = [() => Steps.Plain(model, optimizer, x, y), () => Steps.Scheduled(agp, model, optimizer, x, y), () => Steps.Scheduled(agpL1, model, optimizer, x, y)];
        List<double>[] into = [plain, withAgp, withL1];
        for (var round = 0; round < options.Warmup + options.Steps; round++)
            for (var k = 0; k < 3; k++)
            {
                var j = (k + round) % 3; // rotate the order each round
                var clock = Stopwatch.StartNew();
                Steps.Finite(rows[j]());
                if (round >= options.Warmup)
                    into[j].Add(clock.Elapsed.TotalSeconds);
            }
        result["plain"] = plain;
        result["agp"] = withAgp;
        result["agp_l1"] = withL1;
        result["seconds"] = plain;
        break;
    }
    default:
        Console.Error.WriteLine($"error: unknown row '{options.Row}': one of train-plain, train-agp, train-agp-l1, agp-masks, eval, convs, overhead");
        return 2;
}
result["peak_rss_mb"] = Steps.PeakRssMegabytes();
Console.WriteLine(JsonSerializer.Serialize(result));
return 0;

internal sealed record Options(string Row, int Steps, int Warmup, int Threads)
{
    public static Options Parse(string[] args)
    {
        if (args.Length == 0)
            throw new ArgumentException("usage: Distiller.Typed.SideBySide ROW [--steps N] [--warmup N] [--threads N]");
        int Get(string flag, int fallback)
        {
            var i = Array.IndexOf(args, flag);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }
        return new Options(args[0], Get("--steps", 15), Get("--warmup", 3), Get("--threads", 2));
    }
}

internal static class Steps
{
    /// <summary>One training step as a TorchSharp user writes it; returns the loss (read to the host, as PyTorch's side does).</summary>
    public static double Plain(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        model.train();
        optimizer.zero_grad();
        var loss = nn.functional.cross_entropy(model.call(x), y);
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    /// <summary>The same step with the scheduler's callbacks at Distiller's points (minibatch 1 of 469).</summary>
    public static double Scheduled(CompressionScheduler scheduler, nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Tensor x, Tensor y)
    {
        const int Epoch = 2, Minibatch = 1, PerEpoch = 469;
        using var scope = NewDisposeScope();
        model.train();
        scheduler.OnMinibatchBegin(Epoch, Minibatch, PerEpoch);
        optimizer.zero_grad();
        var loss = scheduler.BeforeBackwardPass(Epoch, Minibatch, PerEpoch, nn.functional.cross_entropy(model.call(x), y)).OverallLoss;
        loss.backward();
        scheduler.BeforeParameterOptimization(Epoch, Minibatch, PerEpoch);
        optimizer.step();
        scheduler.OnMinibatchEnd(Epoch, Minibatch, PerEpoch);
        return loss.item<float>();
    }

    public static List<double> Time(Options options, Func<double> step)
    {
        var seconds = new List<double>();
        for (var i = 0; i < options.Warmup + options.Steps; i++)
        {
            var clock = Stopwatch.StartNew();
            Finite(step());
            if (i >= options.Warmup)
                seconds.Add(clock.Elapsed.TotalSeconds);
        }
        return seconds;
    }

    /// <summary>10,000 random images, batch 256, eval mode and no_grad, top-1 counted on the host per batch: as the PyTorch side.</summary>
    public static List<double> Evaluate(nn.Module<Tensor, Tensor> model, Options options)
    {
        using var images = randn(10000, 1, 28, 28);
        model.eval();
        using var noGrad = no_grad();
        var seconds = new List<double>();
        for (var i = 0; i < 1 + Math.Max(1, options.Steps / 5); i++)
        {
            var clock = Stopwatch.StartNew();
            long counted = 0;
            for (var b = 0; b < 10000; b += 256)
            {
                using var scope = NewDisposeScope();
                counted += model.call(images[TensorIndex.Slice(b, Math.Min(b + 256, 10000))]).argmax(1).eq(0).sum().item<long>();
            }
            if (i >= 1)
                seconds.Add(clock.Elapsed.TotalSeconds);
        }
        return seconds;
    }

    public static void Finite(double loss)
    {
        if (!double.IsFinite(loss))
            throw new InvalidOperationException($"the training loss is {loss}: these kernels compute wrong numbers on this CPU, so its times are not a result.");
    }

    public static double PeakRssMegabytes()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
            return double.NaN;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
