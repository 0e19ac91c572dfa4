using Distiller.Typed.Samples.ResNetPrune.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Checkpoints;

/// <summary>What a checkpoint says about the run besides its tensors.</summary>
/// <param name="Epoch">The last epoch completed (0-based); a resumed run starts at Epoch + 1.</param>
public sealed record CheckpointInfo(string Arch, int Epoch, double BestTop1, int BestEpoch, int Seed);

/// <summary>
/// The <c>checkpoint</c> and <c>best</c> files (Distiller's <c>save_checkpoint</c>): the run's
/// <see cref="CheckpointInfo"/>, the model's state dictionary, the optimizer's state, the compression hooks' state
/// and, under knowledge distillation, the teacher's weights, plus torch's random-number state. Written to a
/// temporary file in the same folder and then moved over the old one, so a run killed while saving leaves the previous
/// checkpoint whole.
/// </summary>
public static class Checkpoint
{
    private const string Magic = "Distiller.Typed checkpoint";
    private const int FormatVersion = 1;

    public static void Save(string path, CheckpointInfo info, nn.Module model, OptimizerHelper? optimizer,
        ICompressionHooks? hooks, nn.Module? teacher)
    {
        var sections = new List<(string Name, Action<BinaryWriter> Write)>
        {
            ("model", w => model.save(w)),
            ("rng", w => StateSerializer.Write(w, [new("cpu", random.get_rng_state())])),
        };
        if (optimizer is not null)
            sections.Add(("optimizer", w => optimizer.save_state_dict(w)));
        if (hooks is not null)
        {
            var state = new Dictionary<string, object>(StringComparer.Ordinal);
            hooks.SaveState(state);
            sections.Add(("compression", w => StateSerializer.Write(w, state)));
        }
        if (teacher is not null)
            sections.Add(("teacher", w => teacher.save(w)));

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                using (var writer = new BinaryWriter(file, System.Text.Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(Magic);
                    writer.Write(FormatVersion);
                    writer.Write(info.Arch);
                    writer.Write(info.Epoch);
                    writer.Write(info.BestTop1);
                    writer.Write(info.BestEpoch);
                    writer.Write(info.Seed);
                    writer.Write(sections.Count);
                    foreach (var (name, write) in sections)
                    {
                        using var buffer = new MemoryStream();
                        using (var sectionWriter = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
                            write(sectionWriter);
                        writer.Write(name);
                        writer.Write(buffer.Length);
                        writer.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
                    }
                }
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }

    /// <summary>Reads the run information only (to choose the model to build before <see cref="Load"/>).</summary>
    public static CheckpointInfo ReadInfo(string path) => Open(path, (info, _) => info);

    /// <summary>
    /// Restores what <paramref name="path"/> holds into the given objects (null ones are skipped). The model must be the
    /// architecture the checkpoint was made from.
    /// </summary>
    public static CheckpointInfo Load(string path, nn.Module model, OptimizerHelper? optimizer = null,
        ICompressionHooks? hooks = null, nn.Module? teacher = null, bool restoreRng = false)
    {
        return Open(path, (info, sections) =>
        {
            Restore(path, sections, "model", r => model.load(r, strict: true));
            if (optimizer is not null && sections.ContainsKey("optimizer"))
                Restore(path, sections, "optimizer", r => optimizer.load_state_dict(r));
            if (hooks is not null && sections.ContainsKey("compression"))
                Restore(path, sections, "compression", r => hooks.LoadState(StateSerializer.Read(r)));
            if (teacher is not null && sections.ContainsKey("teacher"))
                Restore(path, sections, "teacher", r => teacher.load(r, strict: true));
            if (restoreRng)
                Restore(path, sections, "rng", r =>
                {
                    using var state = (Tensor)StateSerializer.Read(r)["cpu"];
                    random.set_rng_state(state);
                });
            return info;
        });
    }

    private static T Open<T>(string path, Func<CheckpointInfo, Dictionary<string, byte[]>, T> use)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        CheckpointInfo info;
        var sections = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), System.Text.Encoding.UTF8);
            if (reader.ReadString() != Magic)
                throw new InvalidDataException($"'{path}' is not a {Magic} file.");
            var version = reader.ReadInt32();
            if (version != FormatVersion)
                throw new InvalidDataException($"'{path}' has checkpoint format {version}; this program reads format {FormatVersion}.");
            info = new CheckpointInfo(reader.ReadString(), reader.ReadInt32(), reader.ReadDouble(), reader.ReadInt32(), reader.ReadInt32());
            var count = reader.ReadInt32();
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var length = reader.ReadInt64();
                var bytes = reader.ReadBytes(checked((int)length));
                if (bytes.Length != length)
                    throw new EndOfStreamException();
                sections[name] = bytes;
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException and not FileNotFoundException)
        {
            throw new InvalidDataException($"Checkpoint '{path}' is truncated or unreadable: {e.Message}", e);
        }
        return use(info, sections);
    }

    private static void Restore(string path, Dictionary<string, byte[]> sections, string name, Action<BinaryReader> read)
    {
        if (!sections.TryGetValue(name, out var bytes))
            throw new InvalidDataException($"Checkpoint '{path}' has no '{name}' section.");
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes));
            read(reader);
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            throw new InvalidDataException($"Checkpoint '{path}': cannot restore its '{name}' section: {e.Message}", e);
        }
    }
}
