using Distiller.Typed.Schedules;

namespace Distiller.Typed.Tests.Parsing;

/// <summary>Each structural diagnostic, triggered by a YAML written for it, with its id, line and column.</summary>
public class StructureDiagnosticsTests
{
    private static (string Id, int Line, int Column, string Message) Single(string yaml)
    {
        var result = Schedule.Parse(yaml.Replace("\r\n", "\n"), "test.yaml");
        var d = Assert.Single(result.Diagnostics);
        return (d.Id, d.Span.Line, d.Span.Column, d.Message);
    }

    [Fact]
    public void SyntaxErrorAtItsPosition()
    {
        var (id, line, column, _) = Single("version: 1\npruners:\n  p: [1, 2\n");
        Assert.Equal("DTS001", id);
        Assert.Equal(4, line); // the flow sequence is still open when the stream ends on line 4
        Assert.Equal(1, column);
    }

    [Fact]
    public void AnUnclosedBracketIsReportedAtTheBracketWithoutTheReadersInternals()
    {
        // Line 3's '[' is never closed and the next line is a key at a lower indentation.
        var (id, line, column, message) = Single("version: 1\npruners:\n  p: [a, b\n  q:\n    class: X\n");
        Assert.Equal(("DTS001", 3, 6), (id, line, column));
        Assert.Contains("the '[' here is not closed", message);
        Assert.DoesNotContain("current state of the object", message);

        var (_, _, _, atEnd) = Single("version: 1\npruners:\n  p: [1, 2\n");
        Assert.EndsWith("(the '[' on line 3, column 6 is not closed)", atEnd);
    }

    [Theory]
    [InlineData("pruners:\n  p:\n    class: AutomatedGradualPruner\n    final_sparsity: 0.5\n    weights:\n\t- a\n", 6, 1)]
    [InlineData("pruners:\n  p:\n    class: AutomatedGradualPruner\n    final_sparsity: 0.5\n\tweights: [a]\n", 5, 1)]
    [InlineData("pruners:\n  p:\n    class: AutomatedGradualPruner\n  \t  weights: [a]\n", 4, 3)]
    public void ATabInTheIndentationIsReportedAtTheTab(string yaml, int line, int column)
    {
        var (id, actualLine, actualColumn, message) = Single(yaml);
        Assert.Equal(("DTS001", line, column), (id, actualLine, actualColumn));
        Assert.Contains("a tab indents this line; YAML indents with spaces only", message);
    }

    [Fact]
    public void ALongListWithoutAliasesIsTooLargeNotAnAliasExpansion()
    {
        var yaml = new System.Text.StringBuilder("pruners:\n  p:\n    class: AutomatedGradualPruner\n    weights:\n");
        for (var i = 0; i < 120_000; i++)
            yaml.Append("      - layer").Append(i).Append(".weight\n");
        var (id, line, _, message) = Single(yaml.ToString());
        Assert.Equal("DTS017", id);
        // Nodes: the root mapping, 'pruners', its mapping, 'p', its mapping, 'class', its value, 'weights', the list;
        // item k is node 9 + k, on line 4 + k. Node 100,001 is over the budget.
        Assert.Equal(4 + (100_001 - 9), line);
        Assert.Contains("more than 100000 YAML nodes", message);
    }

    [Fact]
    public void UnknownSectionSuggestsTheNearest()
    {
        var (id, line, column, message) = Single("version: 1\nprunners:\n  p:\n    class: AutomatedGradualPruner\n");
        Assert.Equal(("DTS002", 2, 1), (id, line, column));
        Assert.Contains("did you mean 'pruners'", message);
    }

    [Fact]
    public void SectionThatIsNotAMapping()
    {
        var (id, line, column, message) = Single("pruners: [a, b]\n");
        Assert.Equal(("DTS003", 1, 10), (id, line, column));
        Assert.Contains("'pruners' must be a mapping", message);
    }

    [Fact]
    public void DuplicateKeyPointsAtTheSecond()
    {
        var (id, line, column, message) = Single("version: 1\nversion: 1\n");
        Assert.Equal(("DTS004", 2, 1), (id, line, column));
        Assert.Contains("line 1", message);
    }

    [Fact]
    public void BillionLaughsIsADiagnosticNotAHang()
    {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        for (char c = 'b'; c <= 'j'; c++)
            yaml += $"{c}: &{c} [*{(char)(c - 1)}, *{(char)(c - 1)}, *{(char)(c - 1)}, *{(char)(c - 1)}, *{(char)(c - 1)}, *{(char)(c - 1)}, *{(char)(c - 1)}, *{(char)(c - 1)}, *{(char)(c - 1)}, *{(char)(c - 1)}]\n";
        var result = Schedule.Parse(yaml, "laughs.yaml");
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("DTS005", d.Id);
        Assert.True(d.Span.Line is >= 3 and <= 10, d.ToString());
    }

    [Fact]
    public void ComponentWithoutClass()
    {
        var (id, line, column, _) = Single("pruners:\n  my_pruner:\n    weights: [a]\n");
        Assert.Equal(("DTS006", 2, 3), (id, line, column));
    }

    [Fact]
    public void PolicyNamingNoInstance()
    {
        var (id, line, column, _) = Single("policies:\n  - starting_epoch: 0\n    ending_epoch: 4\n    frequency: 1\n");
        Assert.Equal(("DTS007", 2, 5), (id, line, column));
    }

    [Fact]
    public void PolicyNamingTwoInstances()
    {
        var yaml = "pruners:\n  p:\n    class: AutomatedGradualPruner\nregularizers:\n  r:\n    class: L1Regularizer\n" +
                   "policies:\n  - pruner: {instance_name: p}\n    regularizer: {instance_name: r}\n    epochs: [0]\n";
        var result = Schedule.Parse(yaml, "t.yaml");
        var d = Assert.Single(result.Diagnostics, x => x.Id == "DTS007");
        Assert.Equal((9, 5), (d.Span.Line, d.Span.Column));
    }

    [Fact]
    public void PolicyWithoutInstanceName()
    {
        var (id, line, column, _) = Single("policies:\n  - pruner:\n      args: {}\n    epochs: [0]\n");
        Assert.Equal(("DTS008", 2, 5), (id, line, column));
    }

    [Fact]
    public void UnknownPolicyKey()
    {
        var yaml = "pruners:\n  p:\n    class: AutomatedGradualPruner\npolicies:\n  - pruner: {instance_name: p}\n    epochs: [0]\n    frequncy: 2\n";
        var d = Assert.Single(Schedule.Parse(yaml, "t.yaml").Diagnostics, x => x.Id == "DTS009");
        Assert.Equal((7, 5), (d.Span.Line, d.Span.Column));
        Assert.Contains("did you mean 'frequency'", d.Message);
    }

    [Fact]
    public void VersionOtherThanOneIsAWarning()
    {
        var result = Schedule.Parse("version: 2\n", "t.yaml");
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("DTS010", Distiller.Typed.Diagnostics.ScheduleDiagnosticSeverity.Warning, 1, 10), (d.Id, d.Severity, d.Span.Line, d.Span.Column));
    }

    [Fact]
    public void SecondYamlDocument()
    {
        var (id, line, column, _) = Single("version: 1\n---\nversion: 1\n");
        Assert.Equal(("DTS011", 2, 1), (id, line, column));
    }

    [Fact]
    public void UnknownKeyUnderThePolicysInstance()
    {
        var yaml = "pruners:\n  p:\n    class: AutomatedGradualPruner\npolicies:\n  - pruner: {instance_name: p, arg: {}}\n    epochs: [0]\n";
        var d = Assert.Single(Schedule.Parse(yaml, "t.yaml").Diagnostics, x => x.Id == "DTS012");
        Assert.Equal((5, 32), (d.Span.Line, d.Span.Column));
        Assert.Contains("did you mean 'args'", d.Message);
    }

    [Fact]
    public void ComplexKey()
    {
        var (id, line, column, _) = Single("pruners:\n  ? [a, b]\n  : {class: X}\n");
        Assert.Equal(("DTS013", 2, 5), (id, line, column));
    }

    [Fact]
    public void NestingTooDeep()
    {
        var yaml = "pruners: " + new string('[', 100) + new string(']', 100) + "\n";
        var (id, line, _, _) = Single(yaml);
        Assert.Equal(("DTS015", 1), (id, line));
    }

    [Fact]
    public void UnreadableFile()
    {
        var result = Schedule.Load(Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "s.yaml"));
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("DTS016", 1, 1), (d.Id, d.Span.Line, d.Span.Column));
    }

    [Fact]
    public void PolicyNamingAnUndeclaredInstance()
    {
        var yaml = "pruners:\n  my_pruner:\n    class: AutomatedGradualPruner\npolicies:\n  - pruner:\n      instance_name: my_pruner2\n    epochs: [0]\n";
        var d = Assert.Single(Schedule.Parse(yaml, "t.yaml").Diagnostics, x => x.Id == "DTS020");
        Assert.Equal((6, 22), (d.Span.Line, d.Span.Column));
        Assert.Contains("did you mean 'my_pruner'", d.Message);
    }
}
