namespace Distiller.Typed.Snapshot.Tests.Infrastructure;

/// <summary>The sample models (TestModels/*.cs) every schedule test compiles.</summary>
internal static class TestModels
{
    public static readonly string[] Files = ["AlexNet.cs", "ResNet20.cs", "ResNet50.cs", "PreActResNet20.cs", "TextClassifier.cs"];

    public static IEnumerable<string> Sources => Files.Select(TestPaths.TestModel);
}
