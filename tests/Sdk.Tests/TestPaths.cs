namespace Distiller.Typed.Tests;

internal static class TestPaths
{
    /// <summary>The repository root, found by walking up from the test assembly to Distiller.Typed.sln.</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Distiller.Typed.sln")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Distiller.Typed.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Schedules => Path.Combine(RepoRoot, "schedules");
}
