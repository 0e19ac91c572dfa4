using System.Runtime.CompilerServices;

namespace Distiller.Typed.Snapshot.Tests.Infrastructure;

/// <summary>Folders of the test project and the repository, found from this source file's own path.</summary>
internal static class TestPaths
{
    public static string ProjectDirectory { get; } = Path.GetFullPath(Path.Combine(ThisDirectory(), ".."));

    public static string RepositoryRoot { get; } = Path.GetFullPath(Path.Combine(ProjectDirectory, "..", ".."));

    public static string SnapshotsDirectory => Path.Combine(ProjectDirectory, "Snapshots");

    public static string TestModel(string fileName) => File.ReadAllText(Path.Combine(ProjectDirectory, "TestModels", fileName));

    private static string ThisDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
