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
