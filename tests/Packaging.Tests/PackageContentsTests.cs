using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;

namespace Distiller.Typed.Packaging.Tests;

/// <summary>
/// What the packages hold: Distiller.Typed carries the runtime, the generator with what it loads, the schedule items,
/// the Debian libstdc++ fix and the schedule JSON Schema, and depends on the Sdk package (same version), TorchSharp and
/// the libtorch its TorchBackend names; the CUDA backend is a package of its own.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class PackageContentsTests(PackageFeed feed)
{
    [Fact]
    public void Distiller_Typed_carries_runtime_generator_build_files_and_schema()
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed.Feed, $"Distiller.Typed.{feed.Version}.nupkg"));
        var files = package.Entries.Select(e => e.FullName).ToHashSet();
        foreach (var expected in new[]
                 {
                     "lib/net10.0/Distiller.Typed.Runtime.dll",
                     "analyzers/dotnet/cs/Distiller.Typed.Generators.dll",
                     "analyzers/dotnet/cs/Distiller.Typed.Sdk.dll",
                     "analyzers/dotnet/cs/YamlDotNet.dll",
                     "build/Distiller.Typed.props", "build/Distiller.Typed.targets", "build/LibTorchSharp.WeakGlibcxxVersion.targets",
                     "buildTransitive/Distiller.Typed.props", "buildTransitive/Distiller.Typed.targets", "buildTransitive/LibTorchSharp.WeakGlibcxxVersion.targets",
                     "schemas/distiller-schedule.schema.json",
                     "README.md",
                 })
            Assert.Contains(expected, files);

        // The shipped build files are the repository's own (one copy of each).
        var repository = Dotnet.RepositoryRoot();
        Assert.Equal(File.ReadAllText(Path.Combine(repository, "build", "LibTorchSharp.WeakGlibcxxVersion.targets")), Read(package, "buildTransitive/LibTorchSharp.WeakGlibcxxVersion.targets"));
        Assert.Equal(File.ReadAllText(Path.Combine(repository, "src", "Sdk", "build", "Distiller.Typed.Sdk.props")), Read(package, "buildTransitive/Distiller.Typed.props"));

        var metadata = XDocument.Parse(Read(package, "Distiller.Typed.nuspec")).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => e.Attribute("id")!.Value, e => e.Attribute("version")!.Value);
        Assert.Equal(feed.Version, dependencies["Distiller.Typed.Sdk"]);
        Assert.Contains("TorchSharp", dependencies.Keys);
        Assert.Contains(OperatingSystem.IsLinux() ? "libtorch-cpu-linux-x64" : "libtorch-cpu", dependencies.Keys);
        Assert.DoesNotContain(dependencies.Keys, id => id.Contains("Generators", StringComparison.Ordinal) || id.Contains("cuda", StringComparison.Ordinal));
        Assert.Equal("Apache-2.0", metadata.Elements().Single(e => e.Name.LocalName == "license").Value);
        Assert.Equal("README.md", metadata.Elements().Single(e => e.Name.LocalName == "readme").Value);
        Assert.True(File.Exists(Path.Combine(feed.Feed, $"Distiller.Typed.{feed.Version}.snupkg")));
    }

    [Fact]
    public void The_Sdk_package_holds_the_schedule_language_without_TorchSharp()
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed.Feed, $"Distiller.Typed.Sdk.{feed.Version}.nupkg"));
        Assert.Contains("lib/netstandard2.0/Distiller.Typed.Sdk.dll", package.Entries.Select(e => e.FullName));
        var nuspec = Read(package, "Distiller.Typed.Sdk.nuspec");
        Assert.Contains("id=\"YamlDotNet\"", nuspec);
        Assert.DoesNotContain("id=\"TorchSharp\"", nuspec);
    }

    [Theory]
    [InlineData("cpu", "Distiller.Typed")]
    [InlineData("cuda", "Distiller.Typed.Cuda")]
    public void TorchBackend_chooses_the_libtorch_dependency_and_the_package(string backend, string packageId)
    {
        var (exit, output) = Dotnet.Run(Dotnet.RepositoryRoot(),
            $"msbuild src/Runtime/Distiller.Typed.Runtime.csproj -getProperty:PackageId -getItem:PackageReference -p:TorchBackend={backend} -nodeReuse:false");
        Assert.True(exit == 0, output);
        using var evaluation = JsonDocument.Parse(output);
        Assert.Equal(packageId, evaluation.RootElement.GetProperty("Properties").GetProperty("PackageId").GetString());
        var references = evaluation.RootElement.GetProperty("Items").GetProperty("PackageReference").EnumerateArray()
            .Select(r => r.GetProperty("Identity").GetString()).ToList();
        var libtorch = Assert.Single(references, r => r!.StartsWith("libtorch", StringComparison.Ordinal));
        Assert.Equal(backend == "cuda" ? "libtorch-cuda-12.8-linux-x64" : OperatingSystem.IsLinux() ? "libtorch-cpu-linux-x64" : "libtorch-cpu", libtorch);
        Assert.Contains("TorchSharp", references);
    }

    private static string Read(ZipArchive package, string entry)
    {
        using var reader = new StreamReader(package.GetEntry(entry)!.Open());
        return reader.ReadToEnd();
    }
}
