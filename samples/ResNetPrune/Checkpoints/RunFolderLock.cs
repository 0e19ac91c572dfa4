using System.Diagnostics;
using System.Globalization;

namespace Distiller.Typed.Samples.ResNetPrune.Checkpoints;

/// <summary>
/// <c>OUT_DIR/.lock</c>: holds the process id of the run writing into the folder, so a second run into the same folder
/// fails at once naming the first. A lock whose process is gone (killed, crashed) is taken over.
/// </summary>
public sealed class RunFolderLock : IDisposable
{
    public const string FileName = ".lock";

    private readonly string _path;

    private RunFolderLock(string path) => _path = path;

    public static RunFolderLock Acquire(string folder, TextWriter output)
    {
        var path = Path.Combine(folder, FileName);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
                file.Write(System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
                file.Flush(flushToDisk: true);
                return new RunFolderLock(path);
            }
            catch (IOException) when (File.Exists(path) && attempt < 3)
            {
                var holder = ReadHolder(path);
                if (holder is { } pid && IsRunning(pid))
                    throw new IOException(
                        $"{folder}: the folder is in use by another run (process {pid}, lock file {path}); wait for that run to end or choose another --out-dir.");
                output.WriteLine($"Warning: {path} was left by process {holder?.ToString(CultureInfo.InvariantCulture) ?? "(unreadable)"}, which is no longer running; taking the folder over.");
                DurableFile.TryDelete(path);
            }
        }
    }

    /// <summary>The process id written in a lock file, or null when it cannot be read.</summary>
    public static int? ReadHolder(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (ReadHolder(_path) == Environment.ProcessId)
            DurableFile.TryDelete(_path);
    }
}
