namespace Distiller.Typed.Thresholding;

/// <summary>
/// The structures ("groups") a tensor is cut into for group thresholding, ranked pruning and group lasso.
/// Each member's doc names the schedule spelling(s) Distiller uses for <c>group_type</c>.
/// </summary>
public enum GroupType
{
    /// <summary><c>2D</c>: the k×k kernels of a 4-D convolution weight, one per (filter, channel).</summary>
    Kernels,

    /// <summary><c>Rows</c>: the rows of a 2-D (Linear) weight, i.e. its output neurons.</summary>
    Rows,

    /// <summary><c>Cols</c>: the columns of a 2-D (Linear) weight, i.e. its input features.</summary>
    Cols,

    /// <summary><c>Rows+Cols</c> (or <c>Cols+Rows</c>): rows and columns together (group lasso only).</summary>
    RowsAndCols,

    /// <summary><c>3D</c> or <c>Filters</c>: the filters (output channels) of a 3-D or 4-D convolution weight.</summary>
    Filters,

    /// <summary><c>Channels</c>: the input channels (dimension 1) of a weight; the columns of a 2-D weight.</summary>
    Channels,

    /// <summary><c>4D</c>: the whole weight tensor as one group.</summary>
    Layer,

    /// <summary><c>Channels+4D</c> (or <c>4D+Channels</c>): input channels and the whole layer together (group lasso only).</summary>
    ChannelsAndLayer,

    /// <summary><c>Blocks</c>: super-blocks of a 4-D weight shaped by <c>block_shape</c> (see <see cref="BlockShape"/>).</summary>
    Blocks,
}
