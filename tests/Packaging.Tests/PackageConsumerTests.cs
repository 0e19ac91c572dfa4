namespace Distiller.Typed.Packaging.Tests;

/// <summary>
/// A user's project outside the repository with one <c>&lt;PackageReference Include="Distiller.Typed" /&gt;</c>: a
/// misspelt layer name is a located compile error; fixed, the program trains with the generated builder and the
/// masks prune what the AGP schedule says. Also a program that only references a class library which references
/// the package. Both run on Debian 12 (TorchSharp's native library loads) with no import of their own.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class PackageConsumerTests(PackageFeed feed)
{
    private static readonly string Sources = Path.Combine(Dotnet.RepositoryRoot(), "tests", "Packaging.Tests", "Consumer");

    [Fact]
    public void A_project_referencing_only_the_package_reports_a_misspelt_name_at_the_yaml_line_then_builds_and_prunes_as_scheduled()
    {
        var app = feed.NewFolder("App");
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Distiller.Typed" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        CopySources(app, "TinyNet.cs", "Training.cs", "Program.cs");
        var schedule = File.ReadAllText(Path.Combine(Sources, "tinynet.schedule_agp.yaml"));
        var schedulePath = Path.Combine(app, "schedules", "tinynet.schedule_agp.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(schedulePath)!);

        var broken = schedule.Replace("[conv1.weight,", "[conv1.wieght,");
        Assert.Equal("    weights: [conv1.wieght,", broken.Split('\n')[7]);
        File.WriteAllText(schedulePath, broken);
        var (failed, failure) = Dotnet.Run(app, Dotnet.Build(), feed.Environment);
        Assert.True(failed != 0, failure);
        Assert.Contains(
            "schedules/tinynet.schedule_agp.yaml(8,15): error DTS101: 'conv1.wieght' is not a parameter of TinyNet; did you mean 'conv1.weight'",
            failure);

        File.WriteAllText(schedulePath, schedule);
        var (built, buildOutput) = Dotnet.Run(app, Dotnet.Build(), feed.Environment);
        Assert.True(built == 0, buildOutput);
        // The schema editors read, where "# yaml-language-server: $schema=../obj/distiller-schedule.schema.json" finds it.
        Assert.Equal(
            File.ReadAllText(Path.Combine(Dotnet.RepositoryRoot(), "docs", "distiller-schedule.schema.json")),
            File.ReadAllText(Path.Combine(app, "obj", "distiller-schedule.schema.json")));

        var (ran, runOutput) = Dotnet.Run(app, "run --no-build -c Release", feed.Environment);
        Assert.True(ran == 0, runOutput);
        PrunedSparsity.AssertAgp(runOutput, ["conv1.weight", "fc.weight"], initial: 0.05, final: 0.5, starting: 0, ending: 4, frequency: 1);
    }

    [Fact]
    public void A_program_referencing_a_library_that_references_the_package_builds_and_prunes_as_scheduled()
    {
        var library = feed.NewFolder("Library");
        File.WriteAllText(Path.Combine(library, "Library.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Distiller.Typed" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        CopySources(library, "TinyNet.cs", "Training.cs");
        Directory.CreateDirectory(Path.Combine(library, "schedules"));
        File.Copy(Path.Combine(Sources, "tinynet.schedule_agp.yaml"), Path.Combine(library, "schedules", "tinynet.schedule_agp.yaml"));

        var program = feed.NewFolder("Program");
        File.WriteAllText(Path.Combine(program, "Program.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="../Library/Library.csproj" />
              </ItemGroup>
            </Project>
            """);
        CopySources(program, "Program.cs");

        var (built, buildOutput) = Dotnet.Run(program, Dotnet.Build(), feed.Environment);
        Assert.True(built == 0, buildOutput);
        var (ran, runOutput) = Dotnet.Run(program, "run --no-build -c Release", feed.Environment);
        Assert.True(ran == 0, runOutput);
        PrunedSparsity.AssertAgp(runOutput, ["conv1.weight", "fc.weight"], initial: 0.05, final: 0.5, starting: 0, ending: 4, frequency: 1);
    }

    private static void CopySources(string folder, params string[] files)
    {
        foreach (var file in files)
            File.Copy(Path.Combine(Sources, file), Path.Combine(folder, file));
    }
}
