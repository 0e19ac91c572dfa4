using System.Runtime.Loader;

namespace Distiller.Typed.Snapshot.Tests.Infrastructure;

/// <summary>The names TorchSharp itself registers: compiles test sources, constructs the model with its
/// parameterless constructor (or one whose parameters all have defaults) and reads <c>named_parameters()</c>.</summary>
internal static class TorchSharpNames
{
    public static IReadOnlyList<string> Of(string source, string className)
    {
        var compilation = TestCompilation.Create(source);
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        stream.Position = 0;
        var context = new AssemblyLoadContext(null, isCollectible: true);
        try
        {
            var type = context.LoadFromStream(stream).GetType(className, throwOnError: true)!;
            var constructor = type.GetConstructors().Single();
            var arguments = constructor.GetParameters().Select(p => p.DefaultValue).ToArray();
            using var model = (TorchSharp.torch.nn.Module)constructor.Invoke(arguments);
            return model.named_parameters().Select(p => p.name).ToList();
        }
        finally
        {
            context.Unload();
        }
    }
}
