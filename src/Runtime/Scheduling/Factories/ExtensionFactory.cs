using Distiller.Typed.Thinning;

namespace Distiller.Typed.Scheduling.Factories;

/// <summary>Creates the thinning extensions (StructureRemover and its aliases FilterRemover, ChannelRemover).</summary>
public static class ExtensionFactory
{
    internal static void Register(Action<string, ComponentCreator> register)
    {
        foreach (var className in new[] { "StructureRemover", "FilterRemover", "ChannelRemover" })
            register(className, (c, a) => new StructureRemover(c.InstanceName, ThinningFunctions.Parse(a.String("thinning_func_str")!),
                a.String("arch")!, c.InputShape ?? ThinningFunctions.DummyInputShape(a.String("dataset")!)));
    }
}
