namespace Distiller.Typed.Snapshot.Tests.Infrastructure;

/// <summary>
/// Folders of the test project and the repository, found by walking up from the test assembly to
/// Distiller.Typed.sln (source paths are mapped in CI builds, so [CallerFilePath] cannot be used).
/// </summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string RepoRoot => RepositoryRoot;

    public static string ProjectDirectory { get; } = Path.Combine(RepositoryRoot, "tests", "Snapshot");

    public static string SnapshotsDirectory => Path.Combine(ProjectDirectory, "Snapshots");

    public static string TestModel(string fileName) => File.ReadAllText(Path.Combine(ProjectDirectory, "TestModels", fileName));

    /// <summary>A source file of the ResNetPrune sample's models (samples/ResNetPrune/Models), read at test time.</summary>
    public static string SampleModel(string fileName) =>
        File.ReadAllText(Path.Combine(RepositoryRoot, "samples", "ResNetPrune", "Models", fileName));

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Distiller.Typed.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Distiller.Typed.sln not found above " + AppContext.BaseDirectory);
    }
}
