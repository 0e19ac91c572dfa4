using Distiller.Typed.Masks;
using Distiller.Typed.Policies;
using Distiller.Typed.Samples.ResNetPrune.Checkpoints;
using Distiller.Typed.Samples.ResNetPrune.Training;
using static TorchSharp.torch;

namespace Distiller.Typed.Sample.Tests;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void StateRoundTripsTensorsNumbersStringsAndNestedDictionaries()
    {
        using var scope = NewDisposeScope();
        var state = new Dictionary<string, object>
        {
            ["mask"] = tensor(new float[] { 0, 1, 1, 0 }).reshape(2, 2),
            ["step"] = 7L,
            ["epoch"] = 3,
            ["rate"] = 0.875,
            ["active"] = true,
            ["name"] = "agp",
            ["history"] = new[] { 0.5, 0.25 },
            ["pruner"] = new Dictionary<string, object> { ["levels"] = tensor(new long[] { 1, 2, 3 }) },
        };
        using var buffer = new MemoryStream();
        StateSerializer.Write(new BinaryWriter(buffer), state);
        buffer.Position = 0;
        var read = StateSerializer.Read(new BinaryReader(buffer));

        Assert.Equal(new float[] { 0, 1, 1, 0 }, ((Tensor)read["mask"]).data<float>().ToArray());
        Assert.Equal(new long[] { 2, 2 }, ((Tensor)read["mask"]).shape);
        Assert.Equal(7L, read["step"]);
        Assert.Equal(3, read["epoch"]);
        Assert.Equal(0.875, read["rate"]);
        Assert.Equal(true, read["active"]);
        Assert.Equal("agp", read["name"]);
        Assert.Equal(new[] { 0.5, 0.25 }, read["history"]);
        var nested = Assert.IsType<Dictionary<string, object>>(read["pruner"]);
        Assert.Equal(new long[] { 1, 2, 3 }, ((Tensor)nested["levels"]).data<long>().ToArray());
    }

    [Fact]
    public void HooksStateTravelsInTheCheckpoint()
    {
        using var model = nn.Linear(2, 2);
        using var hooks = new PolicyList(model, [new Counting()]);
        hooks.OnEpochBegin(new EpochContext(model, hooks.Masks, 4, null));
        var path = Path.Combine(_dir, "c.ckpt");
        Checkpoint.Save(path, new CheckpointInfo("linear", 4, 50, 3, 1), model, null, hooks, null);

        var restoredPolicy = new Counting();
        using var restored = new PolicyList(model, [restoredPolicy]);
        Checkpoint.Load(path, model, hooks: restored);
        Assert.Equal(1, restoredPolicy.Epochs);
    }

    [Fact]
    public void AFailedSaveLeavesThePreviousCheckpointWholeAndNoTemporaryFile()
    {
        using var model = nn.Linear(2, 2);
        var path = Path.Combine(_dir, "checkpoint.ckpt");
        Checkpoint.Save(path, new CheckpointInfo("linear", 0, 10, 0, 1), model, null, null, null);
        var before = File.ReadAllBytes(path);

        using var hooks = new PolicyList(model, [new Unsaveable()]);
        var error = Assert.Throws<ArgumentException>(() =>
            Checkpoint.Save(path, new CheckpointInfo("linear", 1, 20, 1, 1), model, null, hooks, null));
        Assert.Contains("'what'", error.Message);

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(0, Checkpoint.ReadInfo(path).Epoch);
        Assert.Equal(["checkpoint.ckpt"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void TruncatedOrForeignFilesAreReportedWithTheirPath()
    {
        using var model = nn.Linear(2, 2);
        var path = Path.Combine(_dir, "checkpoint.ckpt");
        Checkpoint.Save(path, new CheckpointInfo("linear", 0, 10, 0, 1), model, null, null, null);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Contains(path, Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, model)).Message);

        File.WriteAllText(path, "not a checkpoint");
        Assert.Contains(path, Assert.Throws<InvalidDataException>(() => Checkpoint.ReadInfo(path)).Message);
        Assert.Contains("nope.ckpt", Assert.Throws<FileNotFoundException>(() => Checkpoint.ReadInfo(Path.Combine(_dir, "nope.ckpt"))).Message);

        using var other = nn.Linear(3, 2);
        Checkpoint.Save(path, new CheckpointInfo("linear", 0, 10, 0, 1), model, null, null, null);
        Assert.Contains("'model' section", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, other)).Message);
    }

    [Fact]
    public void OneFlippedByteAnywhereIsReportedAsACorruptCheckpoint()
    {
        using var model = nn.Linear(20, 20);
        var path = Path.Combine(_dir, "checkpoint.ckpt");
        Checkpoint.Save(path, new CheckpointInfo("linear", 3, 10, 2, 1), model, null, null, null);
        var good = File.ReadAllBytes(path);
        foreach (var at in new[] { 40, good.Length / 2, good.Length - 100, good.Length - 1 }) // header, weights, trailer
        {
            var bad = (byte[])good.Clone();
            bad[at] ^= 0x10;
            File.WriteAllBytes(path, bad);
            var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, model));
            Assert.StartsWith($"{path}: corrupt checkpoint: its SHA-256 checksum does not match", error.Message);
        }
        File.WriteAllBytes(path, good);
        Assert.Equal(3, Checkpoint.Load(path, model).Epoch);
    }

    [Fact]
    public void AFormat1CheckpointWithoutChecksumIsStillRead()
    {
        using var model = nn.Linear(2, 2);
        using (no_grad())
            model.weight!.copy_(tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2));
        var path = Path.Combine(_dir, "old.ckpt");
        using (var writer = new BinaryWriter(File.Create(path)))
        {
            // The layout the program wrote before checksums: magic, version 1, the info, then named sections.
            writer.Write("Distiller.Typed checkpoint");
            writer.Write(1);
            writer.Write("linear");
            writer.Write(4);
            writer.Write(55.5);
            writer.Write(2);
            writer.Write(7);
            writer.Write(1);
            using var section = new MemoryStream();
            model.save(new BinaryWriter(section));
            writer.Write("model");
            writer.Write(section.Length);
            writer.Write(section.ToArray());
        }
        using var restored = nn.Linear(2, 2);
        Assert.Equal(new CheckpointInfo("linear", 4, 55.5, 2, 7), Checkpoint.Load(path, restored));
        Assert.Equal(new float[] { 1, 2, 3, 4 }, restored.weight!.data<float>().ToArray());

        // Without a checksum a damaged length is still an error naming the file, not an overflow.
        var bytes = File.ReadAllBytes(path);
        bytes[75] = 0x7F; // the high byte of the model section's length (magic 27, version 4, info 27, count 4, name 6, length 8)
        File.WriteAllBytes(path, bytes);
        Assert.StartsWith($"{path}: corrupt checkpoint", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, restored)).Message);
    }

    private sealed class Counting : Policy
    {
        public int Epochs { get; private set; }
        public override void OnEpochBegin(EpochContext context) => Epochs++;
        public override void SaveState(IDictionary<string, object> state) => state["epochs"] = Epochs;
        public override void LoadState(IReadOnlyDictionary<string, object> state) => Epochs = (int)state["epochs"];
    }

    private sealed class Unsaveable : Policy
    {
        public override void SaveState(IDictionary<string, object> state) => state["what"] = new object();
    }
}
