namespace Distiller.Typed.Samples.ResNetPrune.Data;

/// <summary>
/// Cuts a class-balanced subset out of a Fashion-MNIST directory: the first <c>perClass</c> images of every class, in
/// file order, written as the same four IDX gz files. The shipped <c>data/</c> folder was made this way.
/// </summary>
public static class FashionMnistSubset
{
    public static void Create(string sourceDirectory, string targetDirectory, int trainPerClass, int testPerClass)
    {
        Directory.CreateDirectory(targetDirectory);
        Cut(sourceDirectory, targetDirectory, DataSplit.Train, trainPerClass);
        Cut(sourceDirectory, targetDirectory, DataSplit.Test, testPerClass);
    }

    private static void Cut(string source, string target, DataSplit split, int perClass)
    {
        if (perClass < 1)
            throw new ArgumentOutOfRangeException(nameof(perClass), perClass, "A subset needs at least one image per class.");
        var (imageDims, pixels) = IdxFile.Read(Path.Combine(source, FashionMnist.ImagesFile(split)), 3);
        var (_, labels) = IdxFile.Read(Path.Combine(source, FashionMnist.LabelsFile(split)), 1);
        var imageBytes = imageDims[1] * imageDims[2];
        var taken = new int[FashionMnist.Classes];
        var chosen = new List<int>();
        for (var i = 0; i < labels.Length && chosen.Count < perClass * FashionMnist.Classes; i++)
            if (taken[labels[i]] < perClass)
            {
                taken[labels[i]]++;
                chosen.Add(i);
            }
        if (chosen.Count < perClass * FashionMnist.Classes)
            throw new ArgumentOutOfRangeException(nameof(perClass), perClass, $"The {split} split has fewer than {perClass} images of some class.");

        var subsetPixels = new byte[chosen.Count * imageBytes];
        var subsetLabels = new byte[chosen.Count];
        for (var k = 0; k < chosen.Count; k++)
        {
            pixels.AsSpan(chosen[k] * imageBytes, imageBytes).CopyTo(subsetPixels.AsSpan(k * imageBytes));
            subsetLabels[k] = labels[chosen[k]];
        }
        IdxFile.Write(Path.Combine(target, FashionMnist.ImagesFile(split)), [chosen.Count, imageDims[1], imageDims[2]], subsetPixels);
        IdxFile.Write(Path.Combine(target, FashionMnist.LabelsFile(split)), [chosen.Count], subsetLabels);
    }
}
