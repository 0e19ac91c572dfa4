using static TorchSharp.torch;

namespace Distiller.Typed.Thresholding;

/// <summary>
/// The <c>block_shape</c> of <c>Blocks</c> pruning: <c>[block_repetitions, block_depth, block_height, block_width]</c>.
/// A super-block holds the <c>block_depth × block_height × block_width</c> basic block of one filter, repeated over
/// <c>block_repetitions</c> consecutive filters; a 4-D weight <c>(F, C, KH, KW)</c> is tiled into
/// <c>(F/r)·(C/d)·(KH/h)·(KW/w)</c> super-blocks of volume <c>r·d·h·w</c>.
/// <para>
/// Distiller only accepts <c>h = w = 1</c>, and when both <c>r</c> and <c>d</c> exceed 1 its view groups
/// <c>r·d</c> consecutive channels of a single filter instead of an <c>r × d</c> super-block; here every shape that
/// divides the weight is tiled as documented (for <c>r = 1</c> or <c>d = 1</c> the masks are identical to Distiller's).
/// </para>
/// </summary>
public sealed record BlockShape
{
    public BlockShape(int blockRepetitions, int blockDepth, int blockHeight, int blockWidth)
    {
        if (blockRepetitions < 1 || blockDepth < 1 || blockHeight < 1 || blockWidth < 1)
            throw new ArgumentException(
                $"block_shape [{blockRepetitions}, {blockDepth}, {blockHeight}, {blockWidth}] must hold four positive integers " +
                "[block_repetitions, block_depth, block_height, block_width].", "block_shape");
        BlockRepetitions = blockRepetitions;
        BlockDepth = blockDepth;
        BlockHeight = blockHeight;
        BlockWidth = blockWidth;
    }

    public int BlockRepetitions { get; }
    public int BlockDepth { get; }
    public int BlockHeight { get; }
    public int BlockWidth { get; }

    /// <summary>Number of elements in one super-block.</summary>
    public long Volume => (long)BlockRepetitions * BlockDepth * BlockHeight * BlockWidth;

    /// <summary>Builds a block shape from the schedule's 4-element list.</summary>
    public static BlockShape FromList(IReadOnlyList<int> blockShape)
    {
        if (blockShape is null || blockShape.Count != 4)
            throw new ArgumentException(
                $"block_shape must be a 4-element list [block_repetitions, block_depth, block_height, block_width]; got " +
                $"{(blockShape is null ? "nothing" : "[" + string.Join(", ", blockShape) + "]")}.", nameof(blockShape));
        return new BlockShape(blockShape[0], blockShape[1], blockShape[2], blockShape[3]);
    }

    public override string ToString() => $"[{BlockRepetitions}, {BlockDepth}, {BlockHeight}, {BlockWidth}]";

    /// <summary>Throws when the super-block does not tile <paramref name="shape"/> exactly; names the parameter.</summary>
    public void RequireTiles(ReadOnlySpan<long> shape, string parameterName, string owner)
    {
        GroupTypes.RequireRank(GroupType.Blocks, shape, parameterName, owner);
        if (shape[0] % BlockRepetitions != 0 || shape[1] % BlockDepth != 0 || shape[2] % BlockHeight != 0 || shape[3] % BlockWidth != 0)
            throw new ArgumentException(
                $"{owner}: block_shape {this} does not tile parameter '{parameterName}' of shape {GroupTypes.FormatShape(shape)} " +
                "exactly (each block dimension must divide the matching weight dimension: filters, channels, height, width).",
                parameterName);
    }

    /// <summary>A <c>(blocks, volume)</c> view of <paramref name="param"/>: one row per super-block.</summary>
    public Tensor Groups(Tensor param)
    {
        var (f, c, kh, kw) = (param.shape[0], param.shape[1], param.shape[2], param.shape[3]);
        return param
            .reshape(f / BlockRepetitions, BlockRepetitions, c / BlockDepth, BlockDepth, kh / BlockHeight, BlockHeight, kw / BlockWidth, BlockWidth)
            .permute(0, 2, 4, 6, 1, 3, 5, 7)
            .reshape(-1, Volume);
    }

    /// <summary>Expands one value per super-block (in <see cref="Groups"/> order) back to <paramref name="param"/>'s shape.</summary>
    public Tensor Expand(Tensor param, Tensor binaryMap)
    {
        var (f, c, kh, kw) = (param.shape[0], param.shape[1], param.shape[2], param.shape[3]);
        var (nf, nc, nh, nw) = (f / BlockRepetitions, c / BlockDepth, kh / BlockHeight, kw / BlockWidth);
        return binaryMap
            .reshape(nf, nc, nh, nw, 1, 1, 1, 1)
            .expand(nf, nc, nh, nw, BlockRepetitions, BlockDepth, BlockHeight, BlockWidth)
            .permute(0, 4, 1, 5, 2, 6, 3, 7)
            .reshape(f, c, kh, kw);
    }
}
