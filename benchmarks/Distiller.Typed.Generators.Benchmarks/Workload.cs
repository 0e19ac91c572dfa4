using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Distiller.Typed.Generators.Benchmarks;

/// <summary>
/// Ten ResNet-style [CompressibleModel] classes (blocks appended in a loop, like TorchSharp's ResNet) and five
/// schedules per model (AGP pruning, sensitivity pruning, L1 and group-lasso regularization, DoReFa overrides
/// with an LR scheduler): 50 schedules in all.
/// </summary>
internal static class Workload
{
    public const int Models = 10;
    public const int SchedulesPerModel = 5;

    public static CSharpCompilation Compilation(string unrelated) => CSharpCompilation.Create(
        "Consumer",
        Enumerable.Range(0, Models).Select(i => Tree(Model(i), $"Model{i}.cs")).Append(Tree(unrelated, "Unrelated.cs")),
        References(),
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static ImmutableArray<AdditionalText> Schedules() =>
        Enumerable.Range(0, Models).SelectMany(i => Enumerable.Range(0, SchedulesPerModel).Select(k => (AdditionalText)new Text($"/bench/schedules/net{i}.plan{k}.yaml", Schedule(i, k))))
            .ToImmutableArray();

    public static string Unrelated(int version) => $"public static class Unrelated {{ public static int Version => {version}; }}";

    private static SyntaxTree Tree(string source, string path) =>
        CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path);

    private static string Model(int i) => $$"""
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;
        namespace Bench;
        [Distiller.Typed.CompressibleModel]
        public sealed class Net{{i}} : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> conv1 = Conv2d(3, 16, 3, padding: 1, bias: false);
            private readonly Module<Tensor, Tensor> bn1 = BatchNorm2d(16);
            private readonly Sequential layer1 = Sequential();
            private readonly Sequential layer2 = Sequential();
            private readonly Sequential layer3 = Sequential();
            private readonly Module<Tensor, Tensor> fc = Linear(64, 10);
            public Net{{i}}() : base("Net{{i}}")
            {
                Fill(layer1, 16, 1);
                Fill(layer2, 32, 2);
                Fill(layer3, 64, 2);
                RegisterComponents();
            }
            private static void Fill(Sequential layer, long planes, long stride)
            {
                for (var b = 0; b < 3; b++) layer.append(new Block{{i}}(planes, b == 0 ? stride : 1));
            }
            public override Tensor forward(Tensor x) => fc.call(layer3.call(layer2.call(layer1.call(bn1.call(conv1.call(x))))));
        }
        public sealed class Block{{i}} : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> conv1;
            private readonly Module<Tensor, Tensor> bn1;
            private readonly Module<Tensor, Tensor> relu1 = ReLU();
            private readonly Module<Tensor, Tensor> conv2;
            private readonly Module<Tensor, Tensor> bn2;
            private readonly Module<Tensor, Tensor>? downsample;
            public Block{{i}}(long planes, long stride) : base("Block{{i}}")
            {
                conv1 = Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false);
                bn1 = BatchNorm2d(planes);
                conv2 = Conv2d(planes, planes, 3, padding: 1, bias: false);
                bn2 = BatchNorm2d(planes);
                if (stride != 1) downsample = Sequential(Conv2d(planes, planes, 1, stride: stride, bias: false), BatchNorm2d(planes));
                RegisterComponents();
            }
            public override Tensor forward(Tensor x) => bn2.call(conv2.call(relu1.call(bn1.call(conv1.call(x)))));
        }
        """;

    private static string Schedule(int model, int kind) => kind switch
    {
        0 => $"""
            version: 1
            model: Net{model}
            pruners:
              agp:
                class: AutomatedGradualPruner
                initial_sparsity: 0.05
                final_sparsity: 0.7
                weights: [layer1.0.conv1.weight, layer1.1.conv2.weight, layer2.0.conv1.weight, layer3.2.conv2.weight, fc.weight]
            lr_schedulers:
              lr:
                class: ExponentialLR
                gamma: 0.95
            policies:
              - pruner:
                  instance_name: agp
                starting_epoch: 0
                ending_epoch: 30
                frequency: 2
              - lr_scheduler:
                  instance_name: lr
                starting_epoch: 0
                ending_epoch: 100
                frequency: 1
            """,
        1 => $"""
            version: 1
            model: Net{model}
            pruners:
              sens:
                class: SensitivityPruner
                sensitivities:
                  'module.layer1.0.conv1.weight': 0.25
                  'module.layer2.1.conv2.weight': 0.35
                  'module.layer3.2.conv1.weight': 0.45
                  '*': 0.5
            policies:
              - pruner:
                  instance_name: sens
                starting_epoch: 0
                ending_epoch: 38
                frequency: 2
            """,
        2 => $"""
            version: 1
            model: Net{model}
            regularizers:
              l1:
                class: L1Regularizer
                reg_regims:
                  'layer1.0.conv1.weight': 0.000002
                  'layer2.0.conv2.weight': 0.000002
                  'layer3.1.conv1.weight': 0.000002
                threshold_criteria: Mean_Abs
            policies:
              - regularizer:
                  instance_name: l1
                starting_epoch: 0
                ending_epoch: 60
                frequency: 1
            """,
        3 => $"""
            version: 1
            model: Net{model}
            regularizers:
              groups:
                class: GroupLassoRegularizer
                reg_regims:
                  'layer1.0.conv1.weight': [0.00005, '3D']
                  'layer2.2.conv2.weight': [0.00005, 'Channels']
                  'fc.weight': [0.00005, 'Rows']
                threshold_criteria: Mean_Abs
            policies:
              - regularizer:
                  instance_name: groups
                starting_epoch: 0
                ending_epoch: 60
                frequency: 1
            """,
        _ => $"""
            model: Net{model}
            quantizers:
              dorefa:
                class: DorefaQuantizer
                bits_activations: 8
                bits_weights: 4
                overrides:
                  conv1:
                    bits_weights: null
                    bits_activations: null
                  'layer1\.0\..*':
                    bits_weights: 2
                  fc:
                    bits_weights: null
                    bits_activations: null
            policies:
              - quantizer:
                  instance_name: dorefa
                starting_epoch: 0
                ending_epoch: 200
                frequency: 1
            """,
    };

    private static IEnumerable<MetadataReference> References()
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll");
        return trusted
            .Append(typeof(TorchSharp.torch).Assembly.Location)
            .Append(typeof(CompressibleModelAttribute).Assembly.Location)
            .Append(typeof(Distiller.Typed.Schedules.Schedule).Assembly.Location)
            .Distinct()
            .Select(p => MetadataReference.CreateFromFile(p));
    }

    private sealed class Text(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text, Encoding.UTF8);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }
}
