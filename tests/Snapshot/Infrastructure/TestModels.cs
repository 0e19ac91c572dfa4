namespace Distiller.Typed.Snapshot.Tests.Infrastructure;

/// <summary>The sample models (TestModels/*.cs) every schedule test compiles.</summary>
internal static class TestModels
{
    public static readonly string[] Files = ["AlexNet.cs", "ResNet20.cs", "ResNet50.cs", "PreActResNet20.cs", "TextClassifier.cs"];

    public static IEnumerable<string> Sources => Files.Select(TestPaths.TestModel);

    /// <summary>The ResNetPrune sample's model sources as the sample compiles them (its implicit usings included):
    /// the abstract <c>ResNetCifar</c> base holding every layer, the <c>[CompressibleModel]</c> ResNet20/32/56 and
    /// ResNet20Narrow deriving from it, and <c>BasicBlock</c>.</summary>
    public static IEnumerable<string> ResNetPruneSources =>
    [
        "global using System;\nglobal using System.Collections.Generic;\nglobal using System.Linq;\n",
        TestPaths.SampleModel("ResNetCifar.cs"),
        TestPaths.SampleModel("BasicBlock.cs"),
    ];
}
