using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace Distiller.Typed.Snapshot.Tests.Infrastructure;

/// <summary>
/// Compares text with <c>Snapshots/&lt;scenario&gt;/&lt;name&gt;.verified.txt</c>. On a mismatch it writes
/// <c>&lt;name&gt;.received.txt</c> beside it and fails with a line diff. Accepting is deliberate: run the tests
/// with <c>DISTILLER_ACCEPT_SNAPSHOTS=1</c> (never set in CI) or copy the received file over the verified one.
/// </summary>
internal static class SnapshotAssert
{
    private const string AcceptVariable = "DISTILLER_ACCEPT_SNAPSHOTS";

    public static void Verify(string scenario, string name, string actual)
    {
        var directory = Path.Combine(TestPaths.SnapshotsDirectory, scenario);
        var verifiedPath = Path.Combine(directory, name + ".verified.txt");
        var receivedPath = Path.Combine(directory, name + ".received.txt");
        actual = Normalize(actual);

        var expected = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (expected == actual)
        {
            if (File.Exists(receivedPath))
            {
                File.Delete(receivedPath);
            }

            return;
        }

        Directory.CreateDirectory(directory);
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1" && Environment.GetEnvironmentVariable("CI") is null)
        {
            File.WriteAllText(verifiedPath, actual);
            return;
        }

        File.WriteAllText(receivedPath, actual);
        var message = expected is null
            ? $"No snapshot {verifiedPath}. Review {receivedPath} and rename it to .verified.txt."
            : $"Snapshot {verifiedPath} differs (received: {receivedPath}):\n{Diff(expected, actual)}";
        Assert.Fail(message);
    }

    internal static string Diff(string expected, string actual)
    {
        var diff = InlineDiffBuilder.Diff(expected, actual);
        var builder = new StringBuilder();
        foreach (var line in diff.Lines)
        {
            var prefix = line.Type switch
            {
                ChangeType.Inserted => "+ ",
                ChangeType.Deleted => "- ",
                _ => "  ",
            };
            if (line.Type != ChangeType.Unchanged || builder.Length < 4000)
            {
                builder.Append(prefix).AppendLine(line.Text);
            }
        }

        return builder.ToString();
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd('\n') + "\n";
}
