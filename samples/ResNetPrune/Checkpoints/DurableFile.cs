using System.Runtime.InteropServices;

namespace Distiller.Typed.Samples.ResNetPrune.Checkpoints;

/// <summary>
/// Writes that survive a crash or a power cut: contents go to a temporary file in the same folder, are flushed to the
/// disk (fsync), then renamed over the target, and the folder itself is flushed so the rename is on disk too. A
/// failed write (full disk, no permission) removes its temporary file.
/// </summary>
public static class DurableFile
{
    /// <summary>The temporary name this process writes <paramref name="path"/> under: <c>.NAME.PID.tmp</c> next to it (one leading dot).</summary>
    public static string TemporaryPath(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path).TrimStart('.')}.{Environment.ProcessId}.tmp");

    public static void Write(string path, ReadOnlySpan<byte> contents)
    {
        var temporary = TemporaryPath(path);
        WriteNew(temporary, contents, path);
        File.Move(temporary, path, overwrite: true);
        FlushFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Creates (or replaces) <paramref name="path"/> with <paramref name="contents"/> flushed to the disk; on failure nothing is left.</summary>
    /// <param name="target">The file <paramref name="path"/> is the temporary copy of, for the message.</param>
    public static void WriteNew(string path, ReadOnlySpan<byte> contents, string? target = null)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
            file.Write(contents);
            file.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(path);
            // .NET appends " : 'PATH'" to the system's reason; the message names the file once, in front.
            throw new IOException($"{target ?? path}: cannot write: {e.Message.Replace($" : '{path}'", "", StringComparison.Ordinal)}", e);
        }
    }

    /// <summary>fsync of a folder, so that renames and deletions in it are on the disk (POSIX; Windows journals them itself).</summary>
    public static void FlushFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
            return;
        var fd = Native.open(folder, Native.O_RDONLY); // a folder opens read-only like a file
        if (fd < 0)
            throw new IOException($"{folder}: cannot open the folder to flush it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Native.fsync(fd) != 0)
                throw new IOException($"{folder}: cannot flush the folder to the disk (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = Native.close(fd);
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the next run in this folder removes stale temporary files.
        }
    }

    private static class Native
    {
        public const int O_RDONLY = 0;

        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
    }
}
