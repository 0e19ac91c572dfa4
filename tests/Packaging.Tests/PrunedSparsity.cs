namespace Distiller.Typed.Packaging.Tests;

/// <summary>
/// Checks the "sparsity EPOCH NAME ZEROS NUMEL" lines a consumer program prints against what an AGP schedule says:
/// at epoch t the pruned weights hold exactly int(s_t × numel) zeros (Distiller's level pruner masks the k smallest
/// magnitudes), with s_t = s_f + (s_i − s_f)(1 − (t − t0)/span)^3 and span = ((t_end − t0 − 1) // freq) × freq
/// (Zhu &amp; Gupta; distiller/pruning/automated_gradual_pruner.py); every other parameter keeps all its values.
/// </summary>
internal static class PrunedSparsity
{
    public static double AgpTarget(double initial, double final, int epoch, int starting, int ending, int frequency)
    {
        var span = (ending - starting - 1) / frequency * frequency;
        return final + (initial - final) * Math.Pow(1.0 - (double)(epoch - starting) / span, 3);
    }

    public static void AssertAgp(string output, string[] prunedWeights, double initial, double final, int starting, int ending, int frequency)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("sparsity ", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .Select(f => (Epoch: int.Parse(f[1]), Name: f[2], Zeros: long.Parse(f[3]), Numel: long.Parse(f[4])))
            .ToList();
        Assert.True(lines.Count > 0, "the program printed no sparsity lines:\n" + output);
        Assert.Equal(Enumerable.Range(starting, ending - starting), lines.Select(l => l.Epoch).Distinct());
        foreach (var weight in prunedWeights)
            Assert.Contains(lines, l => l.Name == weight);

        foreach (var (epoch, name, zeros, numel) in lines)
        {
            var expected = prunedWeights.Contains(name)
                ? (long)(AgpTarget(initial, final, epoch, starting, ending, frequency) * numel)
                : 0;
            Assert.True(expected == zeros, $"epoch {epoch}: {name} has {zeros} zeros of {numel}, the schedule says {expected}\n{output}");
        }
    }
}
