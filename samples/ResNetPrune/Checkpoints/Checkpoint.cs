using System.Security.Cryptography;
using System.Text;
using Distiller.Typed.Samples.ResNetPrune.Training;
using Distiller.Typed.Thinning;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Checkpoints;

/// <summary>What a checkpoint says about the run besides its tensors.</summary>
/// <param name="Epoch">The last epoch completed (0-based); a resumed run starts at Epoch + 1.</param>
/// <param name="Schedule">The <c>--compress</c> schedule of the run, or null for a run without one.</param>
public sealed record CheckpointInfo(string Arch, int Epoch, double BestTop1, int BestEpoch, int Seed, string? Schedule = null);

/// <summary>
/// The <c>checkpoint</c> and <c>best</c> files (Distiller's <c>save_checkpoint</c>): the run's
/// <see cref="CheckpointInfo"/>, the model's state dictionary, the optimizer's state, the compression hooks' state
/// and, under knowledge distillation, the teacher's weights, plus torch's random-number state; the file ends with the
/// SHA-256 of everything before it, checked on load, so a damaged file is reported instead of loaded. Files are
/// written whole or not at all (<see cref="DurableFile"/>; a training run commits them through <see cref="EpochCommit"/>).
/// </summary>
public static class Checkpoint
{
    private const string Magic = "Distiller.Typed checkpoint";
    /// <summary>1: no checksum (still read); 2: the schedule in the header and a SHA-256 trailer.</summary>
    private const int FormatVersion = 2;
    private const int ChecksumLength = 32;
    private static readonly byte[] MagicBytes = Encode(w => w.Write(Magic));

    public static void Save(string path, CheckpointInfo info, nn.Module model, OptimizerHelper? optimizer,
        ICompressionHooks? hooks, nn.Module? teacher) =>
        DurableFile.Write(path, Serialize(info, model, optimizer, hooks, teacher));

    /// <summary>The bytes of a checkpoint file (checksum included), built in memory so a failure writes nothing.</summary>
    public static byte[] Serialize(CheckpointInfo info, nn.Module model, OptimizerHelper? optimizer, ICompressionHooks? hooks, nn.Module? teacher)
    {
        var sections = new List<(string Name, Action<BinaryWriter> Write)>
        {
            ("model", w => model.save(w)),
            ("rng", w => StateSerializer.Write(w, [new("cpu", random.get_rng_state())])),
        };
        if (ThinShapes.Of(model) is { } thin) // a thinned model: loading builds these shapes before reading the weights
            sections.Add(("thinning", thin.Write));
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

        var body = Encode(writer =>
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(info.Arch);
            writer.Write(info.Epoch);
            writer.Write(info.BestTop1);
            writer.Write(info.BestEpoch);
            writer.Write(info.Seed);
            writer.Write(info.Schedule ?? "");
            writer.Write(sections.Count);
            foreach (var (name, write) in sections)
            {
                var bytes = Encode(write);
                writer.Write(name);
                writer.Write((long)bytes.Length);
                writer.Write(bytes);
            }
        });
        return [.. body, .. SHA256.HashData(body)];
    }

    /// <summary>Reads the run information only (to choose the model to build before <see cref="Load"/>).</summary>
    public static CheckpointInfo ReadInfo(string path) => Open(path, (info, _) => info);

    /// <summary>True when the checkpoint holds the state of a compression schedule (a run with <c>--compress</c>).</summary>
    public static bool HasScheduleState(string path) => Open(path, (_, sections) =>
        sections.TryGetValue("compression", out var bytes) && Restore(path, "compression", bytes, r => StateSerializer.Read(r)).ContainsKey(Compression.SchedulerHooks.StateKey));

    /// <summary>
    /// Restores what <paramref name="path"/> holds into the given objects (null ones are skipped). The model must be the
    /// architecture the checkpoint was made from.
    /// </summary>
    public static CheckpointInfo Load(string path, nn.Module model, OptimizerHelper? optimizer = null,
        ICompressionHooks? hooks = null, nn.Module? teacher = null, bool restoreRng = false)
    {
        return Open(path, (info, sections) =>
        {
            if (sections.ContainsKey("thinning"))
                Restore(path, sections, "thinning", r => ThinShapes.Read(r).Apply(model, path));
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
        var bytes = ReadAll(path);
        if (bytes.Length == 0)
            throw new InvalidDataException($"{path}: the file is empty, not a checkpoint.");
        if (!bytes.AsSpan().StartsWith(MagicBytes))
            throw new InvalidDataException($"{path}: not a {Magic} file{Foreign(bytes)}. Checkpoints are the checkpoint.ckpt and best.ckpt files a training run of this program writes.");
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            reader.ReadString();
            var version = reader.ReadInt32();
            if (version is not (1 or FormatVersion))
                throw new InvalidDataException($"{path}: checkpoint format {version}; this program reads formats 1 and {FormatVersion}.");
            if (version >= 2 && (bytes.Length < ChecksumLength ||
                                 !SHA256.HashData(bytes.AsSpan(0, bytes.Length - ChecksumLength)).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - ChecksumLength))))
                throw new InvalidDataException(
                    $"{path}: corrupt checkpoint: its SHA-256 checksum does not match its contents (the file was truncated or damaged after it was written). " +
                    "Use another copy (best.ckpt, or the checkpoint of an earlier run).");
            var info = new CheckpointInfo(reader.ReadString(), reader.ReadInt32(), reader.ReadDouble(), reader.ReadInt32(), reader.ReadInt32());
            if (version >= 2 && reader.ReadString() is { Length: > 0 } schedule)
                info = info with { Schedule = schedule };
            var count = reader.ReadInt32();
            var sections = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var length = reader.ReadInt64();
                if (length < 0 || length > bytes.Length)
                    throw new EndOfStreamException($"section '{name}' claims {length} bytes");
                var section = reader.ReadBytes((int)length);
                if (section.Length != length)
                    throw new EndOfStreamException($"section '{name}' is cut short");
                sections[name] = section;
            }
            return use(info, sections);
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            // Only a format-1 file (no checksum) can get here: a damaged length or string.
            throw new InvalidDataException($"{path}: corrupt checkpoint: {e.Message}", e);
        }
    }

    private static byte[] ReadAll(string path)
    {
        if (Directory.Exists(path))
            throw new InvalidDataException($"{path}: is a folder, not a checkpoint file; pass the file in it, e.g. {Path.Combine(path, ClassifierJob.CheckpointFileName)}.");
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such checkpoint file.", path);
        return File.ReadAllBytes(path);
    }

    /// <summary>A hint for files from elsewhere people are likely to pass.</summary>
    private static string Foreign(byte[] bytes) =>
        bytes.AsSpan().StartsWith("PK\u0003\u0004"u8) ? " (it is a zip archive, as PyTorch's torch.save writes; PyTorch and Distiller checkpoints cannot be read)"
        : bytes.AsSpan().StartsWith("\u0080"u8) ? " (it looks like a Python pickle; PyTorch and Distiller checkpoints cannot be read)"
        : "";

    private static void Restore(string path, Dictionary<string, byte[]> sections, string name, Action<BinaryReader> read)
    {
        if (!sections.TryGetValue(name, out var bytes))
            throw new InvalidDataException($"{path}: the checkpoint has no '{name}' section.");
        Restore(path, name, bytes, r => { read(r); return true; });
    }

    private static T Restore<T>(string path, string name, byte[] bytes, Func<BinaryReader, T> read)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes));
            return read(reader);
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            throw new InvalidDataException($"{path}: cannot restore the checkpoint's '{name}' section: {e.Message}", e);
        }
    }

    private static byte[] Encode(Action<BinaryWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
            write(writer);
        return buffer.ToArray();
    }
}
