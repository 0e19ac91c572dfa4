using static TorchSharp.torch;

namespace Distiller.Typed.Summaries;

/// <summary>
/// Distiller's sparsity measures (<c>distiller/utils.py</c>): the fraction of zero elements, or of all-zero structures
/// (kernels, filters, channels, rows, columns, blocks), of a tensor. Each density is one minus its sparsity.
/// </summary>
/// <remarks>
/// A structure counts as zero when the sum of its absolute values is 0 (Distiller's L1-norm test), so a NaN counts as
/// non-zero, as in Distiller. A measure that does not apply to a tensor's rank returns 0, as Distiller's does.
/// Every intermediate tensor is disposed before returning.
/// </remarks>
public static class SparsityMeasures
{
    /// <summary>Fraction of non-zero elements: <c>nnz(t) / numel(t)</c>.</summary>
    public static double Density(Tensor tensor) =>
        tensor.numel() == 0 ? throw new ArgumentException("Density of an empty tensor is undefined.", nameof(tensor))
                            : (double)NonZeroCount(tensor) / tensor.numel();

    /// <summary>Fraction of zero elements ("Fine" sparsity): <c>1 − density</c>.</summary>
    public static double Sparsity(Tensor tensor) => 1.0 - Density(tensor);

    /// <summary>Number of elements with |x| &gt; 0.</summary>
    public static long NonZeroCount(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = NewDisposeScope();
        return tensor.abs().gt(0).sum().item<long>();
    }

    /// <summary>Filter-wise ("3D") sparsity of a 4D weight: the fraction of filters (dim 0) whose elements are all zero; 0 for other ranks.</summary>
    public static double Sparsity3D(Tensor tensor)
    {
        if (tensor.dim() != 4)
            return 0;
        using var scope = NewDisposeScope();
        var filters = tensor.size(0);
        return 1.0 - (double)NonZeroNorms(tensor.abs().reshape(filters, -1).sum(1)) / filters;
    }

    public static double Density3D(Tensor tensor) => 1.0 - Sparsity3D(tensor);

    /// <summary>
    /// Kernel-wise ("2D") sparsity: for a 4D weight, the fraction of its <c>K×K</c> kernels that are all zero; for a 2D
    /// weight, the fraction of its rows (dim 0) that are all zero; 0 for other ranks.
    /// </summary>
    public static double Sparsity2D(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        Tensor view2d;
        if (tensor.dim() == 4)
            view2d = tensor.reshape(-1, tensor.size(2) * tensor.size(3));
        else if (tensor.dim() == 2)
            view2d = tensor;
        else
            return 0;
        var structs = view2d.size(0);
        return 1.0 - (double)NonZeroNorms(view2d.abs().sum(1)) / structs;
    }

    public static double Density2D(Tensor tensor) => 1.0 - Sparsity2D(tensor);

    /// <summary>Channel-wise sparsity of a 4D weight: the fraction of input channels (dim 1) that are zero in every filter; 0 for other ranks.</summary>
    public static double SparsityChannels(Tensor tensor)
    {
        if (tensor.dim() != 4)
            return 0;
        using var scope = NewDisposeScope();
        var channels = tensor.size(1);
        var norms = tensor.abs().transpose(0, 1).reshape(channels, -1).sum(1);
        return 1.0 - (double)NonZeroNorms(norms) / channels;
    }

    public static double DensityChannels(Tensor tensor) => 1.0 - SparsityChannels(tensor);

    /// <summary>
    /// Distiller's <c>sparsity_matrix</c>: for a 2D tensor, the fraction of its slices along <paramref name="dim"/> that are all
    /// zero (dim 0: rows; dim 1: columns); 0 for other ranks.
    /// </summary>
    public static double SparsityMatrix(Tensor tensor, int dim)
    {
        if (dim is not (0 or 1))
            throw new ArgumentOutOfRangeException(nameof(dim), dim, "dim must be 0 (rows) or 1 (columns).");
        if (tensor.dim() != 2)
            return 0;
        using var scope = NewDisposeScope();
        var structs = tensor.size(dim);
        return 1.0 - (double)NonZeroNorms(tensor.abs().sum(1 - dim)) / structs;
    }

    /// <summary>
    /// Distiller's column sparsity of a 2D weight. PyTorch stores GEMM weights transposed, so by default
    /// (<paramref name="transposed"/>) Distiller's "columns" are the stored tensor's rows (output features): <c>SparsityMatrix(t, 0)</c>.
    /// </summary>
    public static double SparsityCols(Tensor tensor, bool transposed = true) => SparsityMatrix(tensor, transposed ? 0 : 1);

    public static double DensityCols(Tensor tensor, bool transposed = true) => 1.0 - SparsityCols(tensor, transposed);

    /// <summary>Distiller's row sparsity of a 2D weight; by default the stored tensor's columns (input features): <c>SparsityMatrix(t, 1)</c>.</summary>
    public static double SparsityRows(Tensor tensor, bool transposed = true) => SparsityMatrix(tensor, transposed ? 1 : 0);

    public static double DensityRows(Tensor tensor, bool transposed = true) => 1.0 - SparsityRows(tensor, transposed);

    /// <summary>
    /// Block-wise sparsity of a 4D weight for blocks of shape <c>(repetitions, depth, 1, 1)</c> (the only shape Distiller supports):
    /// the fraction of such blocks that are all zero.
    /// </summary>
    public static double SparsityBlocks(Tensor tensor, long[] blockShape)
    {
        ArgumentNullException.ThrowIfNull(blockShape);
        if (tensor.dim() != 4)
            throw new ArgumentException($"SparsityBlocks needs a 4D tensor, got shape ({string.Join(", ", tensor.shape)}).", nameof(tensor));
        if (blockShape.Length != 4)
            throw new ArgumentException("blockShape must have 4 elements (repetitions, depth, height, width).", nameof(blockShape));
        var (repetitions, depth, height, width) = (blockShape[0], blockShape[1], blockShape[2], blockShape[3]);
        if (height != 1 || width != 1)
            throw new ArgumentException("The only supported block shape is (repetitions, depth, 1, 1).", nameof(blockShape));
        var filters = tensor.size(0);
        var channels = tensor.size(1);
        if (repetitions <= 0 || depth <= 0 || filters % repetitions != 0 || (depth > 1 && (filters * channels) % (repetitions * depth) != 0))
            throw new ArgumentException(
                $"Block shape ({string.Join(", ", blockShape)}) does not tile a weight of shape ({string.Join(", ", tensor.shape)}).", nameof(blockShape));

        using var scope = NewDisposeScope();
        var kernel = tensor.size(2) * tensor.size(3);
        var view = depth > 1
            ? tensor.reshape(filters * channels / (repetitions * depth), repetitions * depth, kernel)
            : tensor.reshape(filters / repetitions, repetitions, -1);
        var blocks = (double)tensor.numel() / (repetitions * depth);
        return 1.0 - NonZeroNorms(view.abs().sum(1)) / blocks;
    }

    /// <summary>Count of non-zero entries of a tensor of structure norms (NaN counts as non-zero, like torch.nonzero).</summary>
    private static long NonZeroNorms(Tensor norms) => norms.ne(0).sum().item<long>();
}
