using System.Reflection;
using Distiller.Typed.Samples.ResNetPrune.Models;
using Distiller.Typed.Scheduling;
using static TorchSharp.torch;

namespace Distiller.Typed.Samples.ResNetPrune.Compression;

/// <summary>
/// The schedules compiled into this program by the Distiller.Typed source generator (the repository's
/// <c>schedules/resnet20.*.yaml</c> and <c>schedules/resnet20narrow.*.yaml</c>), each with the architecture its
/// generated <c>Build</c> takes and the text it was compiled from (embedded), so <c>--compress</c> uses the typed
/// builder only for an unedited copy of the file.
/// </summary>
public static class CompiledSchedules
{
    /// <summary>A compiled schedule: its file name, the <c>--arch</c> its builder takes, and the builder.</summary>
    public sealed record Entry(string FileName, string Arch, Func<nn.Module, optim.Optimizer, CompressionScheduler> Build)
    {
        /// <summary>The schedule text the generator compiled.</summary>
        public string Text => ReadEmbedded(FileName);
    }

    public static IReadOnlyList<Entry> All { get; } =
    [
        new("resnet20narrow.schedule_agp.yaml", "resnet20_narrow", (m, o) => ResNet20NarrowAgpSchedule.Build((ResNet20Narrow)m, o)),
        new("resnet20.schedule_agp.yaml", "resnet20", (m, o) => ResNet20AgpSchedule.Build((ResNet20)m, o)),
        new("resnet20.schedule_sensitivity.yaml", "resnet20", (m, o) => ResNet20SensitivitySchedule.Build((ResNet20)m, o)),
        new("resnet20.schedule_l1.yaml", "resnet20", (m, o) => ResNet20L1Schedule.Build((ResNet20)m, o)),
        new("resnet20.schedule_group_lasso.yaml", "resnet20", (m, o) => ResNet20GroupLassoSchedule.Build((ResNet20)m, o)),
        new("resnet20.schedule_filter_agp.yaml", "resnet20", (m, o) => ResNet20FilterAgpSchedule.Build((ResNet20)m, o)),
        new("resnet20.schedule_mixed.yaml", "resnet20", (m, o) => ResNet20MixedSchedule.Build((ResNet20)m, o)),
        new("resnet20.schedule_dorefa.yaml", "resnet20", (m, o) => ResNet20DorefaSchedule.Build((ResNet20)m, o)),
        new("resnet20.protocol_dense.yaml", "resnet20", (m, o) => ResNet20ProtocolDenseSchedule.Build((ResNet20)m, o)),
        new("resnet20.protocol_agp.yaml", "resnet20", (m, o) => ResNet20ProtocolAgpSchedule.Build((ResNet20)m)),
        new("resnet20narrow.schedule_dense.yaml", "resnet20_narrow", (m, o) => ResNet20NarrowDenseSchedule.Build((ResNet20Narrow)m, o)),
    ];

    /// <summary>The schedule shipped with the program for the default job (AGP on the default architecture).</summary>
    public static Entry DefaultJobSchedule => All[0];

    /// <summary>The default job's dense training: learning-rate decay only.</summary>
    public static Entry DefaultJobDenseSchedule => All.Single(e => e.FileName == "resnet20narrow.schedule_dense.yaml");

    /// <summary>Where the program's copy of a compiled schedule lies (copied next to it at build time).</summary>
    public static string ShippedPath(Entry entry) => Path.Combine(AppContext.BaseDirectory, "schedules", entry.FileName);

    /// <summary>
    /// The compiled schedule <paramref name="path"/> is an unedited copy of (same file name, same text, line endings
    /// aside) and that was compiled for <paramref name="arch"/>, or null (then the file is loaded at run time).
    /// </summary>
    public static Entry? Match(string path, string arch)
    {
        var fileName = Path.GetFileName(path);
        var entry = All.FirstOrDefault(e => e.FileName == fileName && e.Arch == arch);
        if (entry is null || !File.Exists(path))
            return null;
        return Normalize(File.ReadAllText(path)) == Normalize(entry.Text) ? entry : null;
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string ReadEmbedded(string fileName)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("schedules/" + fileName)
            ?? throw new InvalidOperationException($"The schedule '{fileName}' is not embedded in {Assembly.GetExecutingAssembly().GetName().Name}; check the project's SampleSchedule items.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
