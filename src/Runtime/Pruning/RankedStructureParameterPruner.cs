using Distiller.Typed.Masks;
using Distiller.Typed.Thresholding;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Pruning;

/// <summary>
/// The base of every structure-ranking pruner (Distiller's <c>_RankedStructureParameterPruner</c>): to prune a
/// fraction s of a parameter's structures it ranks the structures (filters, channels, rows or blocks), builds a
/// binary map with one 1/0 per structure and expands it into the parameter's mask.
/// <para>
/// <c>group_dependency: Leader</c>: the first name in <c>weights</c> is the leader; its binary map is computed once per
/// target sparsity and epoch and used as the map of every weight in the list, so that convolutions whose outputs are
/// added (residual connections) lose the same filters. Distiller caches the leader's map only by target sparsity (so a
/// constant-sparsity pruner never re-ranks the leader) and fails when the leader has nothing to prune; here the map is
/// re-ranked each epoch and a leader with nothing to prune leaves the followers' masks as they are.
/// </para>
/// </summary>
public abstract class RankedStructureParameterPruner : IPruner
{
    /// <summary>The only <c>group_dependency</c> Distiller knows.</summary>
    public const string LeaderDependency = "Leader";

    private readonly HashSet<string> _weights;
    private Tensor? _leaderMap;
    private (double Target, int Epoch)? _leaderKey;

    private protected RankedStructureParameterPruner(string className, IReadOnlyCollection<GroupType> allowedGroups, string name,
        string groupType, double desiredSparsity, IReadOnlyList<string> weights, string? groupDependency,
        int groupSize = 1, double noise = 0, BlockShape? blockShape = null)
    {
        DistillerClassName = className;
        ArgumentException.ThrowIfNullOrEmpty(name, nameof(name));
        Owner = $"{className} '{name}'";
        if (weights is null || weights.Count == 0 || weights.Any(string.IsNullOrEmpty))
            throw new ArgumentException($"{Owner}: weights must list at least one parameter name, none of them empty.", nameof(weights));
        if (!(desiredSparsity >= 0 && desiredSparsity <= 1))
            throw new ArgumentOutOfRangeException("desired_sparsity", desiredSparsity, $"{Owner}: desired_sparsity must be in [0, 1].");
        if (groupDependency is not null && groupDependency != LeaderDependency)
            throw new ArgumentException(
                $"{Owner}: group_dependency '{groupDependency}' is not supported; the valid value is '{LeaderDependency}' (or none).", "group_dependency");
        if (groupSize < 1)
            throw new ArgumentOutOfRangeException("group_size", groupSize, $"{Owner}: group_size must be at least 1.");
        if (!(noise >= 0 && noise <= 1))
            throw new ArgumentOutOfRangeException(nameof(noise), noise, $"{Owner}: noise is a probability and must be in [0, 1].");
        GroupType = GroupTypes.Parse(groupType, allowedGroups, Owner);
        if (GroupType == GroupType.Blocks && blockShape is null)
            throw new ArgumentException($"{Owner}: group_type 'Blocks' needs kwargs block_shape [block_repetitions, block_depth, block_height, block_width].", "block_shape");
        Name = name;
        DesiredSparsity = desiredSparsity;
        Weights = weights.ToArray();
        _weights = new HashSet<string>(weights, StringComparer.Ordinal);
        GroupDependency = groupDependency;
        GroupSize = groupSize;
        Noise = noise;
        BlockShape = GroupType == GroupType.Blocks ? blockShape : null;
    }

    /// <summary>Distiller's class name of the concrete pruner (as written in a schedule).</summary>
    public string DistillerClassName { get; }

    public string Name { get; }

    public GroupType GroupType { get; }

    public double DesiredSparsity { get; }

    /// <summary>The parameter names this pruner prunes, in schedule order (the first is the leader).</summary>
    public IReadOnlyList<string> Weights { get; }

    public IReadOnlyCollection<string> ParameterNames => Weights;

    public string? GroupDependency { get; }

    public bool FollowsLeader => GroupDependency == LeaderDependency;

    /// <summary>The leader: the first weights tensor in the list.</summary>
    public string Leader => Weights[0];

    /// <summary>Number of adjacent structures ranked and pruned together (Distiller's <c>group_size</c>).</summary>
    public int GroupSize { get; }

    /// <summary>Probability of ranking by noisy magnitudes (Distiller's epsilon-greedy <c>noise</c>).</summary>
    public double Noise { get; }

    public BlockShape? BlockShape { get; }

    /// <summary>"ClassName 'name'", for messages.</summary>
    protected string Owner { get; }

    public void SetParameterMask(Tensor parameter, string parameterName, MaskDictionary masks, PruningMeta meta)
    {
        if (!_weights.Contains(parameterName))
            return;
        SetParameterMaskBySparsityTarget(parameter, parameterName, masks, FractionToPrune(parameterName), meta);
    }

    /// <summary>The fraction of structures to prune now (the desired sparsity unless a subclass varies it).</summary>
    protected virtual double FractionToPrune(string parameterName) => DesiredSparsity;

    /// <summary>
    /// Prunes <paramref name="targetSparsity"/> of <paramref name="parameterName"/>'s structures (Distiller's
    /// <c>_set_param_mask_by_sparsity_target</c>); the AGP forms call this with the AGP target.
    /// Leaves the mask unchanged when the target rounds to nothing to prune.
    /// </summary>
    public void SetParameterMaskBySparsityTarget(Tensor parameter, string parameterName, MaskDictionary masks, double targetSparsity, PruningMeta meta)
    {
        if (!_weights.Contains(parameterName))
            return;
        ArgumentNullException.ThrowIfNull(masks, nameof(masks));
        CheckParameter(parameter.shape, parameterName);
        if (targetSparsity == 0)
            return;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        Tensor? binaryMap;
        if (FollowsLeader)
        {
            binaryMap = LeaderBinaryMap(targetSparsity, meta);
            if (binaryMap is null)
                return;
            long expected = GroupCount(parameter.shape);
            if (binaryMap.shape[0] != expected)
                throw new ArgumentException(
                    $"{Owner}: with group_dependency 'Leader', '{parameterName}' of shape {GroupTypes.FormatShape(parameter.shape)} has {expected} " +
                    $"structures but the leader '{Leader}' has {binaryMap.shape[0]}; followers must have as many structures as their leader.",
                    parameterName);
        }
        else
        {
            binaryMap = RankStructures(targetSparsity, parameter.detach(), parameterName, meta);
            if (binaryMap is null)
                return;
        }
        masks[parameterName].Mask = MaskFromBinaryMap(parameter, binaryMap.to(parameter.device));
    }

    private Tensor? LeaderBinaryMap(double targetSparsity, PruningMeta meta)
    {
        var key = (targetSparsity, meta.CurrentEpoch);
        if (_leaderKey != key)
        {
            var leader = ModelParameters.Find(meta.Model, Leader, Owner);
            CheckParameter(leader.shape, Leader);
            _leaderMap?.Dispose();
            _leaderMap = RankStructures(targetSparsity, leader.detach(), Leader, meta)?.DetachFromDisposeScope();
            _leaderKey = key;
        }
        return _leaderMap;
    }

    /// <summary>
    /// Ranks <paramref name="parameter"/>'s structures and returns the binary map (1 keeps, 0 prunes; one entry per
    /// structure, the parameter's dtype) or null when <paramref name="fractionToPrune"/> prunes nothing.
    /// </summary>
    protected abstract Tensor? RankStructures(double fractionToPrune, Tensor parameter, string parameterName, PruningMeta meta);

    /// <summary>Expands a binary map into the parameter's mask.</summary>
    protected virtual Tensor MaskFromBinaryMap(Tensor parameter, Tensor binaryMap) =>
        GroupMasks.Expand(parameter, GroupType, binaryMap, BlockShape, GroupSize);

    /// <summary>The number of entries of this pruner's binary map for a parameter of <paramref name="shape"/>.</summary>
    protected long GroupCount(long[] shape) => GroupType switch
    {
        GroupType.Filters or GroupType.Rows => shape[0] / GroupSize,
        GroupType.Channels => shape[1] / GroupSize,
        GroupType.Blocks => shape[0] * shape[1] * shape[2] * shape[3] / BlockShape!.Volume,
        _ => throw new InvalidOperationException($"{Owner}: group_type '{GroupTypes.NamesOf(GroupType)[0]}' is not ranked."),
    };

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> naming the parameter and its shape when this pruner cannot prune it
    /// (wrong rank for the group type, a block shape or group size that does not divide it).
    /// </summary>
    public virtual void CheckParameter(ReadOnlySpan<long> shape, string parameterName)
    {
        if (GroupType == GroupType.Blocks)
        {
            BlockShape!.RequireTiles(shape, parameterName, Owner);
            return;
        }
        GroupTypes.RequireRank(GroupType, shape, parameterName, Owner);
        long count = GroupType == GroupType.Channels ? shape[1] : shape[0];
        if (count % GroupSize != 0)
            throw new ArgumentException(
                $"{Owner}: group_size {GroupSize} does not divide the {count} structures of '{parameterName}' (shape {GroupTypes.FormatShape(shape)}).",
                parameterName);
    }

    /// <summary>
    /// Every problem that would stop this pruner on <paramref name="model"/>, listed at once: weights the model lacks,
    /// shapes the group type cannot cut, followers whose structure count differs from the leader's.
    /// </summary>
    public virtual IReadOnlyList<string> FindProblems(nn.Module model)
    {
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape, StringComparer.Ordinal);
        var problems = new List<string>();
        var valid = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var weight in Weights)
        {
            if (!shapes.TryGetValue(weight, out var shape))
            {
                problems.Add($"{Owner}: the model has no parameter named '{weight}'.");
                continue;
            }
            try
            {
                CheckParameter(shape, weight);
                valid[weight] = shape;
            }
            catch (ArgumentException e)
            {
                problems.Add(e.Message.Split(" (Parameter '")[0]);
            }
        }
        if (FollowsLeader && valid.TryGetValue(Leader, out var leaderShape))
        {
            foreach (var (weight, shape) in valid)
                if (GroupCount(shape) != GroupCount(leaderShape))
                    problems.Add($"{Owner}: '{weight}' has {GroupCount(shape)} structures but the leader '{Leader}' has {GroupCount(leaderShape)}; " +
                                 "followers must have as many structures as their leader.");
        }
        return problems;
    }
}
