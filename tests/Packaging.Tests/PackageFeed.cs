using System.Text.RegularExpressions;

namespace Distiller.Typed.Packaging.Tests;

/// <summary>
/// The repository's packages, packed once into a local folder feed with a version no other run uses, and a folder
/// outside the repository where the tests create user projects. Its NuGet.config lists the feed and nuget.org,
/// extracts packages into a private folder (so no package from an earlier run is ever used, and none is left in the
/// user's cache) and reads TorchSharp and libtorch from the user's global packages folder instead of extracting them
/// again. Its empty Directory.Build.props/targets keep any file above it out of the user projects.
/// </summary>
public sealed class PackageFeed : IDisposable
{
    public PackageFeed()
    {
        Root = Path.Combine(Path.GetTempPath(), "distiller-packages-" + Guid.NewGuid().ToString("N")[..12]);
        Feed = Path.Combine(Root, "feed");
        var packages = Path.Combine(Root, "packages");
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(packages);
        Version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss") + "." + Random.Shared.Next(1000, 9999);

        var repository = Dotnet.RepositoryRoot();
        foreach (var project in new[] { "src/Sdk/Distiller.Typed.Sdk.csproj", "src/Runtime/Distiller.Typed.Runtime.csproj", "templates/Distiller.Typed.Templates.csproj" })
        {
            var (exit, output) = Dotnet.Run(repository,
                $"pack {project} -c {Dotnet.Configuration} --no-build -o \"{Feed}\" -p:PackageVersion={Version} -p:NuspecOutputPath=\"{Path.Combine(Root, "nuspec")}/\" -nodeReuse:false");
            if (exit != 0)
                throw new InvalidOperationException($"dotnet pack {project} failed:\n{output}");
        }

        var (listed, locals) = Dotnet.Run(Root, "nuget locals global-packages --list");
        var userPackages = Regex.Match(locals, @"global-packages:\s*(\S.*)").Groups[1].Value.Trim();
        if (listed != 0 || userPackages.Length == 0)
            throw new InvalidOperationException("dotnet nuget locals global-packages --list failed:\n" + locals);

        File.WriteAllText(Path.Combine(Root, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{packages}" />
              </config>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="user" value="{userPackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");
        Environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages };
    }

    /// <summary>The folder the user projects go in (outside the repository).</summary>
    public string Root { get; }

    public string Feed { get; }

    /// <summary>The version every package of this run has.</summary>
    public string Version { get; }

    /// <summary>What the dotnet commands need so restores use this run's private packages folder.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>A new empty folder for one user project.</summary>
    public string NewFolder(string name)
    {
        var folder = Path.Combine(Root, name);
        Directory.CreateDirectory(folder);
        return folder;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; its package version is never reused.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PackageFeedCollection : ICollectionFixture<PackageFeed>
{
    public const string Name = "package feed";
}
