namespace Distiller.Typed;

/// <summary>
/// A pruner or regularizer that carries progress between epochs (a cached standard deviation, a slope) and must
/// carry it through a checkpoint. Values are tensors, strings, booleans, 32/64-bit integers or doubles.
/// </summary>
public interface IStateful
{
    /// <summary>Writes what is needed to resume into <paramref name="state"/> (tensors are cloned).</summary>
    void SaveState(IDictionary<string, object> state);

    /// <summary>Restores what <see cref="SaveState"/> wrote.</summary>
    void LoadState(IReadOnlyDictionary<string, object> state);
}
