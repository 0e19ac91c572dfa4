using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Data;

/// <summary>
/// Xiao, Rasul and Vollgraf, "Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning Algorithms"
/// (arXiv:1708.07747): 60,000 training and 10,000 test 28×28 grey images of 10 clothing classes, in MNIST's IDX
/// files. Pixels are scaled to [0, 1] and normalised with the training set's mean and standard deviation.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the full set.</summary>
    public const string SystemDirectory = "/usr/share/datasets/fashion-mnist";
    public const string DebianPackage = "dataset-fashion-mnist";

    /// <summary>Mean and standard deviation of the 60,000 training images' pixels in [0, 1].</summary>
    public const float Mean = 0.2860f, StdDev = 0.3530f;

    public const int ImageSize = 28;
    public const int Classes = 10;

    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static string ImagesFile(DataSplit split) => split == DataSplit.Train ? "train-images-idx3-ubyte.gz" : "t10k-images-idx3-ubyte.gz";
    public static string LabelsFile(DataSplit split) => split == DataSplit.Train ? "train-labels-idx1-ubyte.gz" : "t10k-labels-idx1-ubyte.gz";

    /// <summary>The subset that ships next to the program (see data/README.md).</summary>
    public static string ShippedSubsetDirectory => Path.Combine(AppContext.BaseDirectory, "data");

    /// <summary><c>--data subset</c> names the shipped subset even where the full set is installed.</summary>
    public const string SubsetKeyword = "subset";

    /// <summary>
    /// The directory the program reads: the shipped subset for <see cref="SubsetKeyword"/>, <paramref name="requested"/> if given, otherwise the full set from Debian's
    /// package when installed, otherwise the shipped subset.
    /// </summary>
    public static string ResolveDirectory(string? requested)
    {
        if (requested == SubsetKeyword)
            return ShippedSubsetDirectory;
        if (!string.IsNullOrEmpty(requested))
            return requested;
        return File.Exists(Path.Combine(SystemDirectory, ImagesFile(DataSplit.Train))) ? SystemDirectory : ShippedSubsetDirectory;
    }

    /// <summary>Loads one split of the set in <paramref name="directory"/>; a missing or corrupt file is an error naming it.</summary>
    public static LabeledImages Load(string directory, DataSplit split)
    {
        var imagesPath = Path.Combine(directory, ImagesFile(split));
        var labelsPath = Path.Combine(directory, LabelsFile(split));
        var (imageDims, pixels) = ReadOrExplain(imagesPath, 3);
        var (labelDims, labels) = ReadOrExplain(labelsPath, 1);
        if (imageDims[1] != ImageSize || imageDims[2] != ImageSize)
            throw new InvalidDataException($"'{imagesPath}' holds {imageDims[1]}×{imageDims[2]} images; Fashion-MNIST images are {ImageSize}×{ImageSize}. {HowToGet}");
        if (labelDims[0] != imageDims[0])
            throw new InvalidDataException($"'{labelsPath}' holds {labelDims[0]} labels but '{imagesPath}' holds {imageDims[0]} images. {HowToGet}");
        var badLabel = Array.FindIndex(labels, l => l >= Classes);
        if (badLabel >= 0)
            throw new InvalidDataException($"'{labelsPath}' has label {labels[badLabel]} at index {badLabel}; Fashion-MNIST labels are 0..{Classes - 1}. {HowToGet}");

        using var scope = NewDisposeScope();
        // Scalars held for the whole expression: an implicit float-to-Scalar temporary was once freed under the call
        // ("Unknown scalar type" from div_ in a full test run).
        using var maxPixel = 255f.ToScalar();
        using var mean = Mean.ToScalar();
        using var stdDev = StdDev.ToScalar();
        var images = tensor(pixels, dtype: ScalarType.Byte).reshape(imageDims[0], 1, ImageSize, ImageSize)
            .to_type(ScalarType.Float32).div_(maxPixel).sub_(mean).div_(stdDev);
        var targets = tensor(labels, dtype: ScalarType.Byte).to_type(ScalarType.Int64);
        return new LabeledImages(images.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope());
    }

    private static string HowToGet =>
        $"Get the full set with 'apt-get install {DebianPackage}' (Debian/Ubuntu, installs {SystemDirectory}), " +
        "or download the four *-ubyte.gz files from https://github.com/zalandoresearch/fashion-mnist into a folder and pass it with --data.";

    private static (int[] Dimensions, byte[] Values) ReadOrExplain(string path, int rank)
    {
        try
        {
            return IdxFile.Read(path, rank);
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException($"Fashion-MNIST file '{path}' is missing. {HowToGet}", path, e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Fashion-MNIST file '{path}' is unreadable: {e.Message} {HowToGet}", e);
        }
    }
}

public enum DataSplit
{
    Train,
    Test,
}
