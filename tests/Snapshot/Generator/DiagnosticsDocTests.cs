using Distiller.Typed.Generators.Diagnostics;
using Distiller.Typed.Snapshot.Tests.Infrastructure;

namespace Distiller.Typed.Snapshot.Tests.Generator;

/// <summary>docs/diagnostics.md lists every generator diagnostic (their help links point there) with its severity.</summary>
public class DiagnosticsDocTests
{
    [Fact]
    public void EveryGeneratorIdHasARowWithItsSeverity()
    {
        var doc = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "diagnostics.md"));
        foreach (var descriptor in GeneratorDiagnostics.All)
        {
            var row = $"| <a id=\"{descriptor.Id.ToLowerInvariant()}\"></a>{descriptor.Id} | {descriptor.DefaultSeverity} |";
            Assert.Contains(row, doc);
        }
    }
}
