using System.Text.RegularExpressions;
using Distiller.Typed.Diagnostics;

namespace Distiller.Typed.Tests.Catalogue;

/// <summary>docs/diagnostics.md lists every diagnostic id, with its title and severity, and no id that does not exist.</summary>
public class DiagnosticsDocTests
{
    private static readonly Regex Row = new(@"^\| <a id=""(?<anchor>dts\d{3})""></a>(?<id>DTS\d{3}) \| (?<title>[^|]+) \| (?<severity>\w+) \| (?<example>.+) \|$",
        RegexOptions.Multiline, TimeSpan.FromSeconds(1));

    [Fact]
    public void EveryIdIsListedWithItsTitleAndSeverity()
    {
        var doc = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "diagnostics.md")).Replace("\r\n", "\n");
        var rows = Row.Matches(doc).ToDictionary(m => m.Groups["id"].Value);
        foreach (var descriptor in ScheduleDiagnosticDescriptors.All)
        {
            Assert.True(rows.TryGetValue(descriptor.Id, out var row), $"docs/diagnostics.md does not list {descriptor.Id}");
            Assert.Equal(descriptor.Id.ToLowerInvariant(), row.Groups["anchor"].Value); // the descriptor's HelpLink anchor
            Assert.Equal(descriptor.Title, row.Groups["title"].Value.Trim());
            Assert.Equal(descriptor.Severity.ToString(), row.Groups["severity"].Value);
            Assert.False(string.IsNullOrWhiteSpace(row.Groups["example"].Value));
        }
        Assert.Empty(rows.Keys.Except(ScheduleDiagnosticDescriptors.All.Select(d => d.Id)));
    }

    [Fact]
    public void ValidationIdsAreInTheirRangeAndUnique()
    {
        var ids = ScheduleDiagnosticDescriptors.All.Select(d => d.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches(@"^DTS0\d\d$", id));
        // Every validation id has a test that triggers it (ComponentDiagnosticsTests / PolicyDiagnosticsTests name them).
        var testSources = Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "tests", "Sdk.Tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar))
            .Where(f => f.EndsWith("DiagnosticsTests.cs", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();
        foreach (var id in ids.Where(i => string.CompareOrdinal(i, "DTS020") >= 0))
            Assert.True(testSources.Any(s => s.Contains("\"" + id + "\"")), $"no *DiagnosticsTests.cs asserts {id}");
    }
}
