using Distiller.Typed.Catalogue;

namespace Distiller.Typed.Tests.Catalogue;

/// <summary>docs/catalogue.md is exactly what the catalogue writes, so the docs cannot drift from the table.</summary>
public class CatalogueDocsTests
{
    [Fact]
    public void CommittedCatalogueDocMatchesTheCatalogue()
    {
        var path = Path.Combine(TestPaths.RepoRoot, "docs", "catalogue.md");
        var expected = CatalogueMarkdown.Write();
        if (Environment.GetEnvironmentVariable("DISTILLER_TYPED_UPDATE_DOCS") == "1")
            File.WriteAllText(path, expected);
        Assert.True(File.Exists(path), "docs/catalogue.md is missing; run the tests with DISTILLER_TYPED_UPDATE_DOCS=1 to write it");
        var committed = File.ReadAllText(path).Replace("\r\n", "\n");
        Assert.True(committed == expected,
            "docs/catalogue.md differs from CatalogueMarkdown.Write(); run the tests with DISTILLER_TYPED_UPDATE_DOCS=1 to rewrite it, and review the diff");
    }

    [Fact]
    public void TheDocListsEveryClassAndEveryArgument()
    {
        var doc = CatalogueMarkdown.Write();
        foreach (var component in ComponentCatalogue.All)
        {
            Assert.Contains("### " + component.ClassName + "\n", doc);
            foreach (var parameter in component.Parameters)
                Assert.Contains("| `" + parameter.Name + "` |", doc);
        }
    }
}
