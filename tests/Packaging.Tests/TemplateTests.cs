using System.Text.Json;
using System.Xml.Linq;

namespace Distiller.Typed.Packaging.Tests;

/// <summary>
/// <c>dotnet new install Distiller.Typed.Templates</c> (into a private template cache) and <c>dotnet new
/// distiller-typed</c> give a project that builds against the package and prunes as its AGP schedule says.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class TemplateTests(PackageFeed feed)
{
    [Fact]
    public void Dotnet_new_distiller_typed_builds_and_runs_and_prunes_as_its_schedule_says()
    {
        var cliHome = Path.Combine(feed.Root, "cli-home");
        var hive = Path.Combine(feed.Root, "template-hive");
        Directory.CreateDirectory(cliHome);
        var templateEnvironment = new Dictionary<string, string>(feed.Environment) { ["DOTNET_CLI_HOME"] = cliHome };
        var package = Path.Combine(feed.Feed, $"Distiller.Typed.Templates.{feed.Version}.nupkg");

        var (installed, installOutput) = Dotnet.Run(feed.Root, $"new install \"{package}\" --debug:custom-hive \"{hive}\"", templateEnvironment);
        Assert.True(installed == 0, installOutput);
        Assert.Contains("distiller-typed", installOutput);

        var app = feed.NewFolder("PrunedApp");
        var (created, createOutput) = Dotnet.Run(app,
            $"new distiller-typed --package-version {feed.Version} --debug:custom-hive \"{hive}\"", templateEnvironment);
        Assert.True(created == 0, createOutput);
        Assert.True(File.Exists(Path.Combine(app, "PrunedApp.csproj")), createOutput);
        Assert.Contains($"<PackageReference Include=\"Distiller.Typed\" Version=\"{feed.Version}\" />", File.ReadAllText(Path.Combine(app, "PrunedApp.csproj")));

        var (built, buildOutput) = Dotnet.Run(app, Dotnet.Build(), feed.Environment);
        Assert.True(built == 0, buildOutput);
        var (ran, runOutput) = Dotnet.Run(app, "run --no-build -c Release", feed.Environment);
        Assert.True(ran == 0, runOutput);
        PrunedSparsity.AssertAgp(runOutput, ["conv2.weight", "fc1.weight"], initial: 0.10, final: 0.70, starting: 0, ending: 5, frequency: 1);
    }

    [Fact]
    public void The_templates_default_package_version_is_the_version_the_repository_packs()
    {
        var root = Dotnet.RepositoryRoot();
        var versionPrefix = XDocument.Load(Path.Combine(root, "Directory.Build.props")).Descendants("VersionPrefix").Single().Value;
        using var template = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "templates", "content", "DistillerApp", ".template.config", "template.json")));
        var defaultVersion = template.RootElement.GetProperty("symbols").GetProperty("DistillerTypedVersion").GetProperty("defaultValue").GetString();
        Assert.Equal(versionPrefix, defaultVersion);
    }
}
