using Distiller.Typed.Policies;
using Distiller.Typed.Pruning;
using Distiller.Typed.Regularization;
using Distiller.Typed.Scheduling;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Scheduling.Loading;

/// <summary>
/// The pruning/regularization/LR reference schedules in schedules/ load at run time against models with their parameter
/// names; their DataParallel spellings (<c>features.module.0.weight</c>, <c>module.layer3.1.conv1.weight</c>) resolve to
/// the model's own names.
/// </summary>
public class ReferenceScheduleTests
{
    private static readonly string[] AlexNetConvs = { "features.0.weight", "features.3.weight", "features.6.weight", "features.8.weight", "features.10.weight" };
    private static readonly string[] AlexNetLinears = { "classifier.1.weight", "classifier.4.weight", "classifier.6.weight" };
    private static readonly string[] ResNetConvs = { "layer3.1.conv1.weight", "layer3.1.conv2.weight", "layer3.1.conv3.weight", "layer3.2.conv1.weight" };

    private static CompressionScheduler Load(nn.Module model, optim.Optimizer? optimizer, string file) =>
        CompressionSchedulerLoader.FromFile(model, optimizer, Path.Combine(LoadingModels.Schedules, file));

    [Fact]
    public void AlexNetSensitivityScheduleHasThePrunerEvery2EpochsAndTheLrDecayFrom24()
    {
        using var model = new LoadingModels.AlexNetLike();
        var optimizer = optim.SGD(model.parameters(), 0.1);
        using var scheduler = Load(model, optimizer, "alexnet.schedule_agp.yaml");

        Assert.Equal(2, scheduler.Policies.Count);
        var pruning = Assert.IsType<PruningPolicy>(scheduler.Policies[0].Policy);
        var pruner = Assert.IsType<SensitivityPruner>(pruning.Pruner);
        Assert.Equal("my_pruner", pruner.Name);
        Assert.Equal(AlexNetConvs.Concat(AlexNetLinears).OrderBy(n => n), pruner.ParameterNames.OrderBy(n => n));
        // starting_epoch 0, ending_epoch 38, frequency 2: 0, 2, ..., 36
        Assert.Equal(Enumerable.Range(0, 19).Select(i => 2 * i), scheduler.Policies[0].Schedule.Epochs);

        var lr = Assert.IsType<LRPolicy>(scheduler.Policies[1].Policy);
        Assert.Equal("pruning_lr", lr.Name);
        Assert.Equal(Enumerable.Range(24, 176), scheduler.Policies[1].Schedule.Epochs); // 24..199
    }

    [Fact]
    public void AlexNetMixedScheduleAddsThe2DGroupLassoEveryEpoch()
    {
        using var model = new LoadingModels.AlexNetLike();
        var optimizer = optim.SGD(model.parameters(), 0.1);
        using var scheduler = Load(model, optimizer, "alexnet.schedule_mixed.yaml");

        Assert.Equal(new[] { typeof(PruningPolicy), typeof(RegularizationPolicy), typeof(LRPolicy) },
            scheduler.Policies.Select(p => p.Policy.GetType()));
        var regularization = (RegularizationPolicy)scheduler.Policies[1].Policy;
        var lasso = Assert.IsType<GroupLassoRegularizer>(regularization.Regularizer);
        Assert.Equal("2d_groups_regularizer", lasso.Name);
        Assert.Equal(AlexNetConvs.OrderBy(n => n), lasso.ParameterNames.OrderBy(n => n));
        Assert.Equal(Enumerable.Range(0, 38), scheduler.Policies[1].Schedule.Epochs);
        Assert.Equal(Enumerable.Range(0, 19).Select(i => 2 * i), scheduler.Policies[0].Schedule.Epochs);
        Assert.Equal(Enumerable.Range(24, 176), scheduler.Policies[2].Schedule.Epochs);
    }

    [Fact]
    public void ResNet50GroupLassoScheduleRegularizesLayer3Filters()
    {
        using var model = new LoadingModels.ResNet50Like();
        using var scheduler = Load(model, null, "resnet50.schedule_group_lasso.yaml");

        var policy = Assert.IsType<RegularizationPolicy>(Assert.Single(scheduler.Policies).Policy);
        var lasso = Assert.IsType<GroupLassoRegularizer>(policy.Regularizer);
        Assert.Equal(ResNetConvs.OrderBy(n => n), lasso.ParameterNames.OrderBy(n => n));
        Assert.Equal(Enumerable.Range(0, 60), scheduler.Policies[0].Schedule.Epochs);
    }

    [Fact]
    public void ResNet50L1ScheduleRegularizesLayer3WithThresholding()
    {
        using var model = new LoadingModels.ResNet50Like();
        using var scheduler = Load(model, null, "resnet50.schedule_l1_reg.yaml");

        var policy = Assert.IsType<RegularizationPolicy>(Assert.Single(scheduler.Policies).Policy);
        var l1 = Assert.IsType<L1Regularizer>(policy.Regularizer);
        Assert.Equal("my_L1_reg", l1.Name);
        Assert.Equal(ResNetConvs.OrderBy(n => n), l1.ParameterNames.OrderBy(n => n));
        Assert.True(l1.HasThresholdCriteria);
        Assert.Equal(Enumerable.Range(0, 60), scheduler.Policies[0].Schedule.Epochs);
    }

    [Fact]
    public void GroupLassoScheduleAddsItsLossTermToTheTrainingLoss()
    {
        // module.layer3.1.conv1.weight etc. resolved to layer3.1.conv1.weight: the loss term is computed on the model's weights.
        using var model = new LoadingModels.ResNet50Like();
        using var scheduler = Load(model, null, "resnet50.schedule_group_lasso.yaml");
        using var scope = NewDisposeScope();
        var loss = tensor(1.0f);
        scheduler.OnEpochBegin(0);
        var result = scheduler.BeforeBackwardPass(0, 0, 1, loss);
        Assert.True(result.OverallLoss.ToSingle() > 1.0f);
    }
}
