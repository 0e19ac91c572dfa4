using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Data;

/// <summary>
/// Distiller's train/validation split (<c>--validation-split</c>, <c>apputils/data_loaders.py</c>): the training
/// images' indices are shuffled with the run's seed and the first <c>floor(portion × N)</c> are held out for
/// validation; the rest train. The same seed always holds out the same images, so a resumed run validates on
/// the same ones. Portion 0 holds out nothing (the test set then validates, as in Distiller).
/// </summary>
public static class ValidationSplit
{
    public const double DefaultPortion = 0.1;

    /// <summary>How many of <paramref name="count"/> images are held out: <c>floor(portion × count)</c>.</summary>
    public static int ValidationCount(int count, double portion) => (int)Math.Floor(portion * count);

    /// <summary>The (training, validation) index sets, disjoint and together all of 0..count-1, each in ascending order.</summary>
    public static (long[] Train, long[] Validation) Indices(int count, double portion, int seed)
    {
        if (!(portion >= 0 && portion < 1))
            throw new ArgumentException($"--validation-split must be in [0, 1) (the portion of the training set held out for validation); got {portion}.");
        var order = Enumerable.Range(0, count).Select(i => (long)i).ToArray();
        new Random(seed).Shuffle(order);
        var held = ValidationCount(count, portion);
        return (order[held..].Order().ToArray(), order[..held].Order().ToArray());
    }

    /// <summary>Splits <paramref name="train"/> into two new sets (the caller disposes both and still owns <paramref name="train"/>).</summary>
    public static (LabeledImages Train, LabeledImages Validation) Split(LabeledImages train, double portion, int seed)
    {
        var (trainIndices, validationIndices) = Indices(train.Count, portion, seed);
        return (Subset(train, trainIndices), Subset(train, validationIndices));
    }

    private static LabeledImages Subset(LabeledImages images, long[] indices)
    {
        using var index = tensor(indices, ScalarType.Int64);
        return new LabeledImages(images.Images.index_select(0, index), images.Labels.index_select(0, index));
    }
}
