using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Distiller.Typed.Samples.ResNetPrune.Checkpoints;

/// <summary>
/// The <c>--out-dir</c> of a training run, held under <see cref="RunFolderLock"/>, with one commit point per epoch:
/// the epoch's files (<c>checkpoint.ckpt</c>, <c>best.ckpt</c> when it is the best, <c>metrics.csv</c>) are written
/// whole to temporary files and flushed, then a journal naming them is written, then they are renamed into place and the
/// journal is deleted. A run killed before the journal exists leaves the previous epoch's files; one killed after it
/// leaves a journal that the next run opening the folder completes (<see cref="Recover"/>). Either way the folder
/// holds the files of one epoch of one run: <c>best.ckpt</c> never disagrees with the checkpoint's record of it and
/// <c>metrics.csv</c> never loses rows.
/// </summary>
public sealed partial class RunFolder : IDisposable
{
    public const string JournalFileName = ".commit";

    private readonly RunFolderLock _lock;
    private readonly Action<string>? _beforeStep;

    private RunFolder(string path, RunFolderLock folderLock, Action<string>? beforeStep)
    {
        FolderPath = path;
        _lock = folderLock;
        _beforeStep = beforeStep;
    }

    public string FolderPath { get; }

    /// <summary>The files of a run's results; a folder holding any of them holds a run.</summary>
    public static IReadOnlyList<string> RunFiles { get; } =
        [Training.ClassifierJob.CheckpointFileName, Training.ClassifierJob.BestFileName, Training.MetricsCsv.FileName];

    /// <summary>
    /// Creates or opens <paramref name="path"/> for a run: takes its lock, completes or discards an interrupted commit,
    /// removes stale temporary files, and refuses a folder that holds another run's results unless the run resumes
    /// from a checkpoint in it or <paramref name="overwrite"/> replaces them.
    /// </summary>
    /// <param name="beforeStep">Called before each write step of a commit with the step's name (tests inject failures here).</param>
    public static RunFolder Open(string path, string? resumeFrom, bool overwrite, TextWriter output, Action<string>? beforeStep = null)
    {
        if (File.Exists(path))
            throw new IOException($"{path}: --out-dir names a file; it must be a folder.");
        Directory.CreateDirectory(path);
        var folderLock = RunFolderLock.Acquire(path, output);
        try
        {
            Recover(path, output);
            var held = RunFiles.Where(f => File.Exists(Path.Combine(path, f))).ToList();
            var resumingInto = resumeFrom is not null && SameFolder(Path.GetDirectoryName(Path.GetFullPath(resumeFrom))!, path);
            if (held.Count > 0 && !resumingInto)
            {
                if (!overwrite)
                    throw new IOException(
                        $"{path}: the folder holds the results of another run ({string.Join(", ", held)}); this run would replace them. " +
                        $"Continue that run with --resume-from {Path.Combine(path, Training.ClassifierJob.CheckpointFileName)} --out-dir {path}, " +
                        "choose another --out-dir, or pass --overwrite-out-dir to replace them.");
                output.WriteLine($"Replacing the results of the earlier run in {path} (--overwrite-out-dir): {string.Join(", ", held)} and its TensorBoard events.");
                foreach (var file in RunFiles.Append(Distiller.Typed.Summaries.WeightsSparsityCsv.FileName()))
                    DurableFile.TryDelete(Path.Combine(path, file));
                var events = Path.Combine(path, Training.TensorBoardLog.FolderName);
                if (Directory.Exists(events))
                    Directory.Delete(events, recursive: true);
            }
            return new RunFolder(path, folderLock, beforeStep);
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    /// <summary>Writes the files of one epoch so that either all of them or none replace the previous ones.</summary>
    public void Commit(IReadOnlyList<(string FileName, byte[] Contents)> files)
    {
        var staged = files.Select(f => (Temporary: DurableFile.TemporaryPath(Combine(f.FileName)), Final: Combine(f.FileName), f.Contents)).ToList();
        try
        {
            foreach (var (temporary, final, contents) in staged)
            {
                Step($"write {Path.GetFileName(final)}");
                DurableFile.WriteNew(temporary, contents, final);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing is committed yet: the previous epoch's files stand; leave no partial file behind (it may fill the disk).
            foreach (var (temporary, _, _) in staged)
                DurableFile.TryDelete(temporary);
            throw;
        }
        Step("flush folder before the journal");
        DurableFile.FlushFolder(FolderPath); // the staged files' names are on the disk before the journal that names them
        Step("write journal");
        var journal = string.Join('\n', staged.Select(s => $"{Path.GetFileName(s.Temporary)}\t{Path.GetFileName(s.Final)}"));
        DurableFile.Write(Combine(JournalFileName), Encoding.UTF8.GetBytes(journal)); // the commit point
        // Results first, the checkpoint (what a resume continues from) last, so that even without recovery a resume
        // never starts from a checkpoint newer than best.ckpt and metrics.csv.
        foreach (var (temporary, final, _) in staged.OrderBy(s => s.Final.EndsWith(Training.ClassifierJob.CheckpointFileName, StringComparison.Ordinal)))
        {
            Step($"rename {Path.GetFileName(final)}");
            File.Move(temporary, final, overwrite: true);
        }
        Step("flush folder");
        DurableFile.FlushFolder(FolderPath);
        Step("delete journal");
        File.Delete(Combine(JournalFileName));
        DurableFile.FlushFolder(FolderPath);
    }

    /// <summary>
    /// Completes a commit a killed run left (its journal), then removes temporary files whose process is gone (or is
    /// this one: the folder's lock is held, so nothing else writes here).
    /// </summary>
    public static void Recover(string folder, TextWriter output)
    {
        var journal = Path.Combine(folder, JournalFileName);
        if (File.Exists(journal))
        {
            var moved = new List<string>();
            foreach (var line in File.ReadAllLines(journal).Where(l => l.Length > 0))
            {
                var parts = line.Split('\t');
                if (parts.Length != 2 || parts.Any(p => p.Contains('/') || p.Contains('\\') || p is "." or ".."))
                    throw new InvalidDataException($"{journal}:{moved.Count + 1}: not a line of a commit journal ('{line}'); remove the file and resume from checkpoint.ckpt.");
                var temporary = Path.Combine(folder, parts[0]);
                if (File.Exists(temporary))
                {
                    File.Move(temporary, Path.Combine(folder, parts[1]), overwrite: true);
                    moved.Add(parts[1]);
                }
            }
            DurableFile.FlushFolder(folder);
            File.Delete(journal);
            DurableFile.FlushFolder(folder);
            output.WriteLine($"Completed the last epoch's commit a stopped run left in {folder}" +
                             (moved.Count > 0 ? $" (moved {string.Join(", ", moved)} into place)." : "."));
        }
        foreach (var file in Directory.EnumerateFiles(folder, ".*.tmp"))
        {
            var match = TemporaryName().Match(Path.GetFileName(file));
            if (!match.Success || !int.TryParse(match.Groups["pid"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            if (pid == Environment.ProcessId || !RunFolderLock.IsRunning(pid))
            {
                DurableFile.TryDelete(file);
                output.WriteLine($"Removed {Path.GetFileName(file)}, a partial file left by a stopped run (process {pid}).");
            }
        }
    }

    public void Dispose() => _lock.Dispose();

    private string Combine(string fileName) => Path.Combine(FolderPath, fileName);

    private void Step(string name) => _beforeStep?.Invoke(name);

    private static bool SameFolder(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)),
            Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)),
            OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    [GeneratedRegex(@"^\..+\.(?<pid>[0-9]+)\.tmp$")]
    private static partial Regex TemporaryName();
}
