using Distiller.Typed.LearningRate;
using TorchSharp;
using static TorchSharp.torch;
using LRScheduler = TorchSharp.torch.optim.lr_scheduler.LRScheduler;
using Optimizer = TorchSharp.torch.optim.Optimizer;

namespace Distiller.Typed.Policies;

/// <summary>
/// Distiller's <c>LRPolicy</c> (<c>distiller/policy.py</c>): at the end of every epoch it is active on, steps its LR
/// scheduler to the next epoch, <c>scheduler.step(epoch = current_epoch + 1)</c>; so the LR the optimizer uses in epoch
/// <c>e</c> is the scheduler's value at <c>e</c>. <c>ReduceLROnPlateau</c> is stepped with a metric from
/// <see cref="EpochContext.Metrics"/>.
/// </summary>
/// <remarks>
/// <para><b>Which metric.</b> Distiller's image classifier passes <c>metrics={'min': loss, 'max': top1}</c> and LRPolicy
/// reads <c>metrics[scheduler.mode]</c>. Here: the metric named in the constructor if given; otherwise the key equal to the
/// mode (<c>"min"</c>/<c>"max"</c>) if present, else <c>"loss"</c> for mode min and <c>"top1"</c> for mode max. A missing
/// metric is an error listing the metrics that were passed.</para>
/// <para><b>Resuming.</b> <see cref="SaveState"/> records every step this policy made (epoch and metric);
/// <see cref="LoadState"/> resets each parameter group's LR to its initial LR, builds a fresh scheduler and replays those
/// steps, so the LR and the scheduler's hidden state (e.g. ReduceLROnPlateau's best value and bad-epoch count) equal
/// the saved run's exactly. Distiller's own way — building the scheduler with <c>last_epoch</c> = the resumed epoch — is
/// also accepted as an argument, with PyTorch's semantics.</para>
/// </remarks>
public sealed class LRPolicy : Policy
{
    private const string EpochsKey = "lr_scheduler.steps.epochs";
    private const string MetricsKey = "lr_scheduler.steps.metrics";

    private readonly Optimizer _optimizer;
    private readonly Func<Optimizer, LRScheduler> _create;
    private readonly string? _metric;
    private readonly string _plateauMode;
    private readonly List<(int Epoch, double Metric)> _steps = new();

    /// <summary>An LR policy for a schedule's <c>lr_schedulers</c> entry (see <see cref="LrSchedulerFactory.Create"/>).</summary>
    /// <param name="optimizer">The optimizer the scheduler drives.</param>
    /// <param name="className">The entry's <c>class:</c>.</param>
    /// <param name="arguments">The entry's other keys, as PyTorch names them.</param>
    /// <param name="metric">The <see cref="EpochContext.Metrics"/> key ReduceLROnPlateau reads; null: Distiller's choice by mode.</param>
    public LRPolicy(Optimizer optimizer, string className, IReadOnlyDictionary<string, object?> arguments, string? metric = null)
        : this(optimizer, o => LrSchedulerFactory.Create(className, arguments, o), metric, PlateauMode(className, arguments))
    {
    }

    /// <summary>An LR policy for a scheduler built in code.</summary>
    /// <param name="optimizer">The optimizer the scheduler drives.</param>
    /// <param name="createScheduler">Builds the scheduler on the optimizer; called now, and again by <see cref="LoadState"/>.</param>
    /// <param name="metric">The <see cref="EpochContext.Metrics"/> key ReduceLROnPlateau reads; null: Distiller's choice by mode.</param>
    /// <param name="plateauMode">The <c>mode</c> the ReduceLROnPlateau was built with (TorchSharp keeps it private).</param>
    public LRPolicy(Optimizer optimizer, Func<Optimizer, LRScheduler> createScheduler, string? metric = null, string plateauMode = "min")
    {
        _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        _create = createScheduler ?? throw new ArgumentNullException(nameof(createScheduler));
        if (plateauMode is not ("min" or "max"))
            throw new ArgumentException($"plateauMode must be 'min' or 'max', got '{plateauMode}'.", nameof(plateauMode));
        if (metric is not null && string.IsNullOrWhiteSpace(metric))
            throw new ArgumentException("metric must be null (Distiller's choice by mode) or a metric name such as 'loss' or 'top1'.", nameof(metric));
        _metric = metric;
        _plateauMode = plateauMode;
        Scheduler = _create(optimizer);
    }

    /// <summary>The schedule's instance name (e.g. <c>pruning_lr</c>), if it has one.</summary>
    public string? InstanceName { get; init; }

    public override string Name => InstanceName ?? nameof(LRPolicy);

    public LRScheduler Scheduler { get; private set; }

    /// <summary>The optimizer's current LR per parameter group.</summary>
    public IReadOnlyList<double> LearningRates => _optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();

    public override void OnEpochEnd(EpochContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var nextEpoch = context.Epoch + 1;
        var metric = Scheduler is optim.lr_scheduler.impl.ReduceLROnPlateau ? ReadMetric(context) : double.NaN;
        Step(nextEpoch, metric);
        _steps.Add((nextEpoch, metric));
    }

    public override void SaveState(IDictionary<string, object> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state[EpochsKey] = tensor(_steps.Select(s => (long)s.Epoch).ToArray(), ScalarType.Int64);
        state[MetricsKey] = tensor(_steps.Select(s => s.Metric).ToArray(), ScalarType.Float64);
    }

    public override void LoadState(IReadOnlyDictionary<string, object> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        long[] epochs;
        double[] metrics;
        using (NewDisposeScope())
        {
            epochs = ReadLongs(state, EpochsKey);
            metrics = ReadDoubles(state, MetricsKey);
        }
        if (epochs.Length != metrics.Length)
            throw new ArgumentException($"LRPolicy state is inconsistent: {epochs.Length} epochs but {metrics.Length} metrics.", nameof(state));

        foreach (var group in _optimizer.ParamGroups)
            group.LearningRate = group.InitialLearningRate;
        Scheduler = _create(_optimizer);
        _steps.Clear();
        for (var i = 0; i < epochs.Length; i++)
        {
            Step((int)epochs[i], metrics[i]);
            _steps.Add(((int)epochs[i], metrics[i]));
        }
    }

    private void Step(int epoch, double metric)
    {
        switch (Scheduler)
        {
            case optim.lr_scheduler.impl.ReduceLROnPlateau plateau:
                plateau.step(metric, epoch);
                break;
            case optim.lr_scheduler.impl.ChainedLR chained:
                chained.step(); // ChainedLR has no optimizer of its own and only implements step()
                break;
            default:
                Scheduler.step(epoch);
                break;
        }
    }

    private double ReadMetric(EpochContext context)
    {
        var candidates = _metric is not null
            ? new[] { _metric }
            : new[] { _plateauMode, _plateauMode == "min" ? "loss" : "top1" };
        foreach (var key in candidates)
            if (context.Metrics.TryGetValue(key, out var value))
                return double.IsNaN(value)
                    ? throw new InvalidOperationException($"{Name}: metric '{key}' passed to OnEpochEnd at epoch {context.Epoch} is NaN; ReduceLROnPlateau cannot compare it.")
                    : value;

        var passed = context.Metrics.Count == 0 ? "none" : string.Join(", ", context.Metrics.Keys.Select(k => $"'{k}'"));
        throw new InvalidOperationException(
            $"{Name}: ReduceLROnPlateau (mode '{_plateauMode}') needs the metric {string.Join(" or ", candidates.Select(c => $"'{c}'"))} " +
            $"in EpochContext.Metrics at the end of epoch {context.Epoch}, but the metrics passed were: {passed}.");
    }

    private static string PlateauMode(string className, IReadOnlyDictionary<string, object?> arguments) =>
        className is "ReduceLROnPlateau" or "torch.optim.lr_scheduler.ReduceLROnPlateau"
        && arguments is not null && arguments.TryGetValue("mode", out var mode) && mode is "max"
            ? "max"
            : "min";

    private static long[] ReadLongs(IReadOnlyDictionary<string, object> state, string key) => Read(state, key) switch
    {
        Tensor t => t.to_type(ScalarType.Int64).data<long>().ToArray(),
        long[] a => a,
        int[] a => a.Select(v => (long)v).ToArray(),
        var other => throw new ArgumentException($"LRPolicy state '{key}' must be an int64 tensor, got {other.GetType().Name}.", nameof(state)),
    };

    private static double[] ReadDoubles(IReadOnlyDictionary<string, object> state, string key) => Read(state, key) switch
    {
        Tensor t => t.to_type(ScalarType.Float64).data<double>().ToArray(),
        double[] a => a,
        var other => throw new ArgumentException($"LRPolicy state '{key}' must be a float64 tensor, got {other.GetType().Name}.", nameof(state)),
    };

    private static object Read(IReadOnlyDictionary<string, object> state, string key) =>
        state.TryGetValue(key, out var value)
            ? value
            : throw new ArgumentException($"LRPolicy state has no '{key}' (was it saved by an LRPolicy?). Keys present: {string.Join(", ", state.Keys)}.", nameof(state));
}
