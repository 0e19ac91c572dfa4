namespace Distiller.Typed.Tests;

/// <summary>
/// Training tests that seed torch's global generator and expect exact sparsity levels run alone: a test running beside
/// them draws from the same generator, changes their initial weights, and at lr 0.1 a bad draw can diverge.
/// </summary>
[CollectionDefinition(nameof(SeededTrainingCollection), DisableParallelization = true)]
public sealed class SeededTrainingCollection { }
