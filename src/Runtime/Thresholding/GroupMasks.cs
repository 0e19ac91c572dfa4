using static TorchSharp.torch;

namespace Distiller.Typed.Thresholding;

/// <summary>
/// Expands a binary map — one value per group — back to a mask of the parameter's shape (Distiller's
/// <c>expand_binary_map</c>). The mask is a new contiguous tensor (never sharing the map's memory) with the map's dtype,
/// on the map's device.
/// </summary>
public static class GroupMasks
{
    public static Tensor Expand(Tensor param, GroupType groupType, Tensor binaryMap, BlockShape? blockShape = null, int groupLength = 1)
    {
        var shape = param.shape;
        var map = groupLength == 1 ? binaryMap : binaryMap.repeat_interleave(groupLength);
        var ones = Enumerable.Repeat(1L, shape.Length).ToArray();
        Tensor expanded;
        switch (groupType)
        {
            case GroupType.Kernels:
                expanded = map.reshape(shape[0], shape[1], 1, 1).expand(shape);
                break;
            case GroupType.Rows:
                expanded = map.reshape(shape[0], 1).expand(shape);
                break;
            case GroupType.Cols:
                expanded = map.reshape(1, shape[1]).expand(shape);
                break;
            case GroupType.Filters:
                ones[0] = shape[0];
                expanded = map.reshape(ones).expand(shape);
                break;
            case GroupType.Channels:
                ones[1] = shape[1];
                expanded = map.reshape(ones).expand(shape);
                break;
            case GroupType.Layer:
                expanded = map.reshape(ones).expand(shape);
                break;
            case GroupType.Blocks:
                expanded = (blockShape ?? throw new ArgumentException("group_type 'Blocks' needs a block_shape.", nameof(blockShape)))
                    .Expand(param, map);
                break;
            default:
                throw new ArgumentException(
                    $"group_type '{GroupTypes.NamesOf(groupType)[0]}' combines two group types and has no single binary map.", nameof(groupType));
        }
        // A view that needed no broadcasting is already contiguous and still shares the map's memory: copy it, so the
        // mask never aliases a binary map (a leader's map is cached and reused for its followers).
        return expanded.is_contiguous() ? expanded.clone() : expanded.contiguous();
    }
}
