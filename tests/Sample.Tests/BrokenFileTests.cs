using Distiller.Typed.Samples.ResNetPrune.Compression;
using Distiller.Typed.Samples.ResNetPrune.Training;

namespace Distiller.Typed.Sample.Tests;

/// <summary>Good files of every kind the program reads, made once: a checkpoint, activation statistics, a quantizer configuration.</summary>
public sealed class GoodFiles : IDisposable
{
    public GoodFiles()
    {
        var run = ProgramRunner.Run(ProgramRunner.Tiny(System.IO.Path.Combine(Root, "run"), 1));
        if (run.ExitCode != 0)
            throw new InvalidOperationException(run.Error);
        Checkpoint = System.IO.Path.Combine(Root, "run", ClassifierJob.CheckpointFileName);
        var calibration = ProgramRunner.Run([.. ProgramRunner.Tiny(System.IO.Path.Combine(Root, "stats"), 1), "--resume-from", Checkpoint, "--qe-calibration", "0.05"]);
        if (calibration.ExitCode != 0)
            throw new InvalidOperationException(calibration.Error);
        Stats = System.IO.Path.Combine(Root, "stats", ClassifierJob.CalibrationStatsFileName);
        Config = System.IO.Path.Combine(Root, "quantizer.yaml");
        File.WriteAllText(Config, """
            quantizers:
              post_train_quantizer:
                class: PostTrainLinearQuantizer
                bits_activations: 8
                bits_parameters: 8
                bits_accum: 32
                mode: SYMMETRIC
                overrides:
                  fc:
                    bits_activations: null
            """);
    }

    public string Root { get; } = Directory.CreateTempSubdirectory("resnetprune-good-").FullName;
    public string Checkpoint { get; }
    public string Stats { get; }
    public string Config { get; }
    public static string Schedule => CompiledSchedules.ShippedPath(CompiledSchedules.DefaultJobSchedule);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>
/// Every flag that reads a file, given every kind of broken file: each run ends with one <c>error: FILE: ...</c> line
/// and exit code 1 — never a stack trace, never a silent run.
/// </summary>
public sealed class BrokenFileTests(GoodFiles good) : IClassFixture<GoodFiles>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("resnetprune-broken-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var flag in new[] { "--resume-from", "--exp-load-weights-from", "--kd-resume", "--evaluate --resume-from", "--summary --resume-from",
                     "--compress", "--qe-stats-file", "--qe-config-file", "--data" })
            foreach (var kind in new[] { "empty", "truncated", "random bytes", "wrong format", "foreign", "folder" })
                data.Add(flag, kind);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EndsWithOneErrorLineNamingTheFile(string flag, string kind)
    {
        var isCheckpoint = flag.EndsWith("--resume-from", StringComparison.Ordinal) || flag is "--exp-load-weights-from" or "--kd-resume";
        var goodFile = isCheckpoint ? good.Checkpoint
            : flag switch { "--compress" => GoodFiles.Schedule, "--qe-stats-file" => good.Stats, "--qe-config-file" => good.Config,
                _ => Path.Combine(AppContext.BaseDirectory, "data", "train-images-idx3-ubyte.gz") };
        var broken = Path.Combine(_root, flag == "--data" ? "train-images-idx3-ubyte.gz" : "broken" + Path.GetExtension(goodFile));
        if (flag == "--data")
            foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "data"), "*.gz"))
                File.Copy(file, Path.Combine(_root, Path.GetFileName(file)));
        if (kind == "folder")
        {
            File.Delete(broken);
            Directory.CreateDirectory(broken);
        }
        else
        {
            File.WriteAllBytes(broken, kind switch
            {
                "empty" => [],
                // Cut mid-file; for the quantizer configuration mid-line (its last line, 'bits_activations: null', loses
                // 'ull'), as a YAML file cut at a line end is a shorter valid configuration no reader can tell apart.
                "truncated" => flag == "--qe-config-file" ? File.ReadAllBytes(goodFile)[..^3] : File.ReadAllBytes(goodFile)[..(int)(new FileInfo(goodFile).Length * 2 / 3)],
                "random bytes" => RandomBytes(4096),
                // A file of another flag's kind: a schedule where a binary file is expected, a checkpoint where YAML is.
                "wrong format" => File.ReadAllBytes(isCheckpoint || flag == "--data" ? GoodFiles.Schedule : good.Checkpoint),
                // Something of another program: a PyTorch checkpoint (a zip archive) or someone else's YAML.
                "foreign" => isCheckpoint || flag == "--data"
                    ? [.. "PK\u0003\u0004"u8, .. RandomBytes(200)]
                    : "services:\n  web:\n    image: nginx\n    ports: [\"80:80\"]\n"u8.ToArray(),
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            });
        }

        var dir = Path.Combine(_root, "out");
        string[] args = flag switch
        {
            "--evaluate --resume-from" => ["--evaluate", "--resume-from", broken],
            "--summary --resume-from" => ["--summary", "sparsity", "--resume-from", broken],
            "--kd-resume" => ["--kd-teacher", "resnet20_narrow", "--kd-resume", broken],
            "--qe-stats-file" or "--qe-config-file" => ["--evaluate", "--resume-from", good.Checkpoint, "--quantize-eval", flag, broken],
            "--data" => [],
            _ => [flag, broken],
        };
        var tiny = ProgramRunner.Tiny(dir, 1);
        if (flag == "--data")
            tiny = [.. tiny.Select(a => a == "subset" ? _root : a)];
        var (code, output, error) = ProgramRunner.Run([.. tiny, .. args]);

        var context = $"{flag} given a {kind} file: exit {code}, stderr:\n{error}\nstdout:\n{output}";
        Assert.True(code == 1, context);
        Assert.True(error.StartsWith("error: ", StringComparison.Ordinal), context);
        Assert.True(error.TrimEnd().Split('\n').Length == 1, context);
        Assert.True(error.Contains(Path.GetFileName(broken), StringComparison.Ordinal), context);
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("Epoch 1/1", output);
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(13).NextBytes(bytes);
        return bytes;
    }
}
