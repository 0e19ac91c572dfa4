using Distiller.Typed.Quantization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Tests;

/// <summary>Distiller's tests/test_quantizer.py: bit-width resolution, overrides, replacement under the same names, float copies.</summary>
public class QuantizerTests
{
    internal sealed class DummyQuantLayer : nn.Module<Tensor, Tensor>
    {
        public DummyQuantLayer(QBits qbits, object? overridableProp) : base(nameof(DummyQuantLayer))
        {
            QBits = qbits;
            OverridableProp = overridableProp;
        }
        public QBits QBits { get; }
        public object? OverridableProp { get; }
        public override Tensor forward(Tensor input) => input * 2;
    }

    internal sealed class DummyWrapperLayer : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> inner;
        public DummyWrapperLayer(nn.Module<Tensor, Tensor> module, QBits qbits, object? prop) : base(nameof(DummyWrapperLayer))
        {
            inner = module;
            QBits = qbits;
            Prop = prop;
            RegisterComponents();
        }
        public QBits QBits { get; }
        public object? Prop { get; }
        public nn.Module<Tensor, Tensor> Inner => inner;
        public override Tensor forward(Tensor input) => inner.call(input);
    }

    /// <summary>Quantizes a parameter to <c>param + num_bits</c> so results are easy to check (Distiller's dummy_quantize_params).</summary>
    internal sealed class DummyQuantizer : Quantizer
    {
        public DummyQuantizer(nn.Module model, optim.Optimizer? optimizer = null, int? bitsActivations = null, int? bitsWeights = null,
            int? bitsBias = null, QuantizerOverrides? overrides = null, bool trainWithFpCopy = false)
            : base(model, optimizer, bitsActivations, bitsWeights, bitsBias, overrides, trainWithFpCopy)
        {
            var wrap = new ReplacementFactory(new[] { "prop" },
                r => new DummyWrapperLayer((nn.Module<Tensor, Tensor>)r.Module, r.QBits, r.Argument("prop", null)));
            ReplacementFactories[typeof(Conv2d)] = wrap;
            ReplacementFactories[typeof(Linear)] = wrap;
            ReplacementFactories[typeof(ReLU)] = new ReplacementFactory(new[] { "overridable_prop" },
                r => new DummyQuantLayer(r.QBits, r.Argument("overridable_prop", null)));
            ParamQuantization = (p, meta) => p + meta.NumBits;
        }
    }

    internal static Sequential SubModule() => nn.Sequential(
        ("conv1", nn.Conv2d(16, 32, 1)), ("bn1", nn.BatchNorm2d(32)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2, 2)),
        ("conv2", nn.Conv2d(32, 16, 1)), ("bn2", nn.BatchNorm2d(16)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2, 2)));

    /// <summary>Distiller's DummyModel; parameters are filled with 0.25·index so each is distinct.</summary>
    internal static Sequential DummyModel()
    {
        var m = nn.Sequential(
            ("conv1", nn.Conv2d(3, 16, 1)), ("bn1", nn.BatchNorm2d(16)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2, 2)),
            ("sub1", SubModule()), ("sub2", SubModule()),
            ("fc", nn.Linear(16, 10)), ("last_relu", nn.ReLU()));
        using var noGrad = torch.no_grad();
        int i = 0;
        foreach (var p in m.parameters())
            p.fill_(0.25 * i++);
        return m;
    }

    private static QuantizerOverrides Overrides(params (string Key, Dictionary<string, object?> Value)[] entries)
    {
        var o = new QuantizerOverrides();
        foreach (var (k, v) in entries) o.Add(k, v);
        return o;
    }

    private static Dictionary<string, object?> Bits(int? a, int? w, int? b) =>
        new() { ["bits_activations"] = a, ["bits_weights"] = w, ["bits_bias"] = b };

    private static bool ParamsQuantizable(string type) => type is nameof(Conv2d) or nameof(Linear);

    /// <summary>Expected QBits: the override for listed names, the defaults otherwise; weights/bias only for Conv and Linear.</summary>
    private static Dictionary<string, QBits> Expected(nn.Module model, QBits defaults, Dictionary<string, QBits> explicitOverrides)
    {
        var r = new Dictionary<string, QBits>();
        foreach (var (name, module) in model.named_modules())
        {
            var q = explicitOverrides.GetValueOrDefault(name, defaults);
            if (!ParamsQuantizable(module.GetType().Name))
                q = q with { Weights = null, Bias = null };
            r[name] = q;
        }
        return r;
    }

    public static TheoryData<string, bool> Cases()
    {
        var d = new TheoryData<string, bool>();
        foreach (var c in new[] { "no_override", "simple_override", "pattern_override", "overlap_pattern_override_proper",
                     "overlap_pattern_override_wrong", "wts_quant_bias_not", "dont_quant_acts" })
        {
            d.Add(c, false);
            d.Add(c, true);
        }
        return d;
    }

    private static (QBits Defaults, QuantizerOverrides Overrides, Dictionary<string, QBits> Explicit) Case(string id) => id switch
    {
        "no_override" => (new QBits(8, 4, 32), new QuantizerOverrides(), new()),
        "simple_override" => (new QBits(8, 4, 32),
            Overrides(("conv1", Bits(null, null, null)), ("relu1", Bits(null, null, null))),
            new() { ["conv1"] = QBits.None, ["relu1"] = QBits.None }),
        "pattern_override" => (new QBits(8, 8, 32),
            Overrides(("sub.*conv1", new() { ["bits_weights"] = 4 }), ("sub.*conv2", new() { ["bits_activations"] = 4, ["bits_weights"] = 4 })),
            new() { ["sub1.conv1"] = new(8, 4, 32), ["sub1.conv2"] = new(4, 4, 32), ["sub2.conv1"] = new(8, 4, 32), ["sub2.conv2"] = new(4, 4, 32) }),
        "overlap_pattern_override_proper" => (new QBits(4, 4, 32),
            Overrides((@"sub1\..*1", new() { ["bits_activations"] = 16, ["bits_weights"] = 16 }), (@"sub1\..*", new() { ["bits_activations"] = 8, ["bits_weights"] = 8 })),
            new()
            {
                ["sub1.conv1"] = new(16, 16, 32), ["sub1.bn1"] = new(16, null, null), ["sub1.relu1"] = new(16, null, null), ["sub1.pool1"] = new(16, null, null),
                ["sub1.conv2"] = new(8, 8, 32), ["sub1.bn2"] = new(8, null, null), ["sub1.relu2"] = new(8, null, null), ["sub1.pool2"] = new(8, null, null),
            }),
        "overlap_pattern_override_wrong" => (new QBits(4, 4, 32),
            Overrides((@"sub1\..*", new() { ["bits_activations"] = 8, ["bits_weights"] = 8 }), (@"sub1\..*1", new() { ["bits_activations"] = 16, ["bits_weights"] = 16 })),
            new()
            {
                ["sub1.conv1"] = new(8, 8, 32), ["sub1.bn1"] = new(8, null, null), ["sub1.relu1"] = new(8, null, null), ["sub1.pool1"] = new(8, null, null),
                ["sub1.conv2"] = new(8, 8, 32), ["sub1.bn2"] = new(8, null, null), ["sub1.relu2"] = new(8, null, null), ["sub1.pool2"] = new(8, null, null),
            }),
        "wts_quant_bias_not" => (new QBits(8, 4, 32), Overrides(("conv1", Bits(8, 4, null))), new() { ["conv1"] = new(8, 4, null) }),
        "dont_quant_acts" => (new QBits(null, 8, 32), Overrides(("conv1", Bits(8, 8, 32))), new() { ["conv1"] = new(8, 8, 32) }),
        _ => throw new ArgumentException(id),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ModelPrep(string caseId, bool trainWithFpCopy)
    {
        var (defaults, overrides, explicitOverrides) = Case(caseId);
        var model = DummyModel();
        var origTypes = model.named_modules().ToDictionary(m => m.name, m => m.module.GetType());
        var expected = Expected(model, defaults, explicitOverrides);
        var optimizer = optim.SGD(model.parameters(), 0.1);
        var q = new DummyQuantizer(model, optimizer, defaults.Activations, defaults.Weights, defaults.Bias, overrides, trainWithFpCopy);
        foreach (var (name, bits) in expected)
            Assert.True(bits == q.ModuleQBits[name], $"{name}: expected {bits}, got {q.ModuleQBits[name]}");

        q.PrepareModel();
        var after = model.named_modules().ToDictionary(m => m.name, m => m.module);
        foreach (var (name, type) in origTypes)
        {
            Assert.True(after.ContainsKey(name), $"module name '{name}' lost after PrepareModel");
            var bits = expected[name];
            var module = after[name];
            if (bits == QBits.None)
                Assert.Equal(type, module.GetType());
            else if (type == typeof(Conv2d) || type == typeof(Linear))
            {
                var w = Assert.IsType<DummyWrapperLayer>(module);
                Assert.Equal(bits, w.QBits);
                var inner = after[name + ".inner"];
                Assert.Equal(bits, q.ModuleQBits[name + ".inner"]);
                Assert.Equal(bits with { Weights = null, Bias = null }, q.ModuleQBits[name]);
                if (trainWithFpCopy && bits.Weights is not null)
                {
                    // In place: the layer and its parameter names stay; it computes with quantized copies.
                    Assert.Equal(type, inner.GetType());
                    Assert.True(InPlaceWeightQuantization.IsAttached(inner), $"{name}: computes with float weights");
                    Assert.Contains("weight", inner.named_parameters(recurse: false).Select(p => p.name));
                }
                else
                {
                    Assert.Equal(type, inner.GetType());
                    Assert.False(InPlaceWeightQuantization.IsAttached(inner));
                }
            }
            else if (type == typeof(ReLU))
                Assert.Equal(bits, Assert.IsType<DummyQuantLayer>(module).QBits);
            else
                Assert.Equal(type, module.GetType());
        }
        foreach (var p in q.ParamsToQuantize)
        {
            Assert.Contains(p.QAttrName, new[] { "weight", "bias" });
            Assert.Equal(p.QAttrName, p.FpAttrName);
            var bits = q.ModuleQBits[p.ModuleName];
            Assert.Equal(p.QAttrName == "bias" ? bits.Bias : bits.Weights, p.NumBits);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ParamQuantization(bool trainWithFpCopy)
    {
        var model = DummyModel();
        var before = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var optimizer = optim.SGD(model.parameters(), 0.1);
        var overrides = Overrides(("conv1", Bits(null, null, null)), ("relu1", Bits(null, null, null)),
            ("sub.*conv1", Bits(8, 4, 32)), ("sub.*conv2", Bits(4, 4, null)));
        var q = new DummyQuantizer(model, optimizer, 8, 8, 32, overrides, trainWithFpCopy);
        q.PrepareModel();
        q.QuantizeParams();

        var expectedBits = new Dictionary<string, (int? W, int? B)>
        {
            ["conv1"] = (null, null), ["fc"] = (8, 32),
            ["sub1.conv1"] = (4, 32), ["sub2.conv1"] = (4, 32), ["sub1.conv2"] = (4, null), ["sub2.conv2"] = (4, null),
        };
        foreach (var (name, (w, b)) in expectedBits)
        {
            var origW = before[name + ".weight"];
            var origB = before[name + ".bias"];
            string prefix = name == "conv1" ? name : name + ".inner";
            var module = ModuleTree.Get(model, prefix);
            if (trainWithFpCopy && w is not null)
            {
                var ps = module.named_parameters(recurse: false).ToDictionary(p => p.name, p => p.parameter);
                Assert.True(ps["weight"].equal(origW).all().item<bool>(), $"{name}: float weight changed");
                Assert.True(InPlaceWeightQuantization.Quantized(module, "weight").equal(origW + w.Value).all().item<bool>(), $"{name}: weight not param + {w}");
                Assert.True(ps["bias"].equal(origB).all().item<bool>(), $"{name}: float bias changed");
                if (b is not null)
                    Assert.True(InPlaceWeightQuantization.Quantized(module, "bias").equal(origB + b.Value).all().item<bool>(), $"{name}: bias not param + {b}");
                Assert.Contains(ps["weight"], optimizer.parameters());
            }
            else
            {
                var ps = module.named_parameters(recurse: false).ToDictionary(p => p.name, p => p.parameter);
                Assert.True(ps["weight"].equal(origW + (w ?? 0)).all().item<bool>(), $"{name}: weight");
                Assert.True(ps["bias"].equal(origB + (b ?? 0)).all().item<bool>(), $"{name}: bias");
            }
        }
    }

    [Fact]
    public void FloatCopy_GradientsFlowStraightThroughToTheFloatWeight()
    {
        var model = DummyModel();
        var optimizer = optim.SGD(model.parameters(), 0.1);
        var q = new DummyQuantizer(model, optimizer, null, 8, null, null, trainWithFpCopy: true);
        q.PrepareModel();
        var layer = Assert.IsType<Linear>(ModuleTree.Get(model, "fc.inner"));
        model.train();
        // y = (W + 8)·x + b: the layer computes with the quantized weight ...
        var x = torch.ones(2, 16);
        var y = layer.call(x);
        using (torch.no_grad())
            Assert.True(y.equal(nn.functional.linear(x, layer.weight + 8, layer.bias)).all().item<bool>());
        // ... and d(sum(y))/dW = Σ x for every row reaches the float weight through the "+ 8" quantizer.
        y.sum().backward();
        Assert.True(layer.weight.grad!.equal(torch.full(10, 16, 2f)).all().item<bool>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OverridableArgs(bool trainWithFpCopy)
    {
        var m1 = DummyModel();
        var q1 = new DummyQuantizer(m1, optim.SGD(m1.parameters(), 0.1), overrides: Overrides(("conv1",
            new() { ["bits_activations"] = 8, ["bits_weights"] = 8, ["bits_bias"] = 32, ["prop"] = 123, ["unexpetcted_prop"] = 456 })),
            trainWithFpCopy: trainWithFpCopy);
        var e1 = Assert.Throws<ArgumentException>(() => q1.PrepareModel());
        Assert.Contains("'conv1'", e1.Message);
        Assert.Contains("unexpetcted_prop", e1.Message);

        var m2 = DummyModel();
        var q2 = new DummyQuantizer(m2, optim.SGD(m2.parameters(), 0.1), overrides: Overrides(("relu1",
            new() { ["bits_activations"] = 8, ["bits_weights"] = null, ["bits_bias"] = null, ["overridable_prop"] = 123, ["unexpetcted_prop"] = 456 })),
            trainWithFpCopy: trainWithFpCopy);
        Assert.Contains("'relu1'", Assert.Throws<ArgumentException>(() => q2.PrepareModel()).Message);

        var m3 = DummyModel();
        var q3 = new DummyQuantizer(m3, optim.SGD(m3.parameters(), 0.1), overrides: Overrides(("conv1",
            new() { ["bits_activations"] = 8, ["bits_weights"] = 8, ["bits_bias"] = 32, ["prop"] = 123 })), trainWithFpCopy: trainWithFpCopy);
        q3.PrepareModel();
        Assert.Equal(123, ((DummyWrapperLayer)ModuleTree.Get(m3, "conv1")).Prop);

        var m4 = DummyModel();
        var q4 = new DummyQuantizer(m4, optim.SGD(m4.parameters(), 0.1), overrides: Overrides(("relu1",
            new() { ["bits_activations"] = 8, ["bits_weights"] = null, ["bits_bias"] = null, ["overridable_prop"] = 123 })), trainWithFpCopy: trainWithFpCopy);
        q4.PrepareModel();
        Assert.Equal(123, ((DummyQuantLayer)ModuleTree.Get(m4, "relu1")).OverridableProp);
    }

    [Fact]
    public void ExactNameBeatsAnEarlierPattern()
    {
        var model = DummyModel();
        var q = new DummyQuantizer(model, bitsActivations: 8, overrides: Overrides(
            (@"sub1\..*", new() { ["bits_activations"] = 4 }),
            ("sub1.relu1", new() { ["bits_activations"] = 2 })));
        Assert.Equal(2, q.ModuleQBits["sub1.relu1"].Activations);
        Assert.Equal(4, q.ModuleQBits["sub1.relu2"].Activations);
        Assert.Equal(8, q.ModuleQBits["relu1"].Activations);
    }

    [Fact]
    public void PatternMatchingNoModule_IsAnErrorListingTheModules()
    {
        var model = DummyModel();
        var q = new DummyQuantizer(model, bitsActivations: 8, overrides: Overrides(("conv9", new() { ["bits_activations"] = 4 })));
        var e = Assert.Throws<ArgumentException>(() => q.PrepareModel());
        Assert.Contains("'conv9'", e.Message);
        Assert.Contains("sub1.conv1", e.Message);
    }

    internal sealed class DenseWithRelu : nn.Module<Tensor, Tensor>
    {
        private nn.Module<Tensor, Tensor> relu;
        private nn.Module<Tensor, Tensor> linear;
        public DenseWithRelu(int input, int output, nn.Module<Tensor, Tensor>? sharedRelu = null) : base(nameof(DenseWithRelu))
        {
            relu = sharedRelu ?? nn.ReLU();
            linear = nn.Linear(input, output);
            RegisterComponents();
        }
        public nn.Module<Tensor, Tensor> Relu => relu;
        public override Tensor forward(Tensor x) => relu.forward(linear.forward(x));
    }

    internal sealed class ModelWithSharedSubmodule : nn.Module<Tensor, Tensor>
    {
        private DenseWithRelu dense1;
        private DenseWithRelu dense2;
        public ModelWithSharedSubmodule() : base(nameof(ModelWithSharedSubmodule))
        {
            dense1 = new DenseWithRelu(4, 4);
            dense2 = new DenseWithRelu(4, 3, dense1.Relu);
            RegisterComponents();
        }
        public DenseWithRelu Dense1 => dense1;
        public DenseWithRelu Dense2 => dense2;
        public override Tensor forward(Tensor x) => dense2.forward(dense1.forward(x));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SharedSubmodule_ReplacedOnceKeepingNames(bool skip)
    {
        var model = new ModelWithSharedSubmodule();
        var relu = model.Dense1.Relu;
        var overrides = skip ? Overrides(("dense1.relu", new() { ["bits_activations"] = null, ["bits_weights"] = null })) : null;
        var q = new DummyQuantizer(model, bitsActivations: 8, bitsWeights: 8, bitsBias: 32, overrides: overrides);
        q.PrepareModel();
        Assert.Same(model.Dense1.Relu, model.Dense2.Relu);
        if (skip)
            Assert.IsType<ReLU>(model.Dense1.Relu);
        else
        {
            Assert.IsType<DummyQuantLayer>(model.Dense1.Relu);
            // The replaced ReLU is still called 'dense1.relu' / 'dense2.relu' and the forward uses it (×2 per layer).
            var names = model.named_modules().Select(m => m.name).ToList();
            Assert.Contains("dense1.relu", names);
            Assert.Same(model.Dense1.Relu, ModuleTree.Get(model, "dense2.relu"));
        }
        Assert.True(((Dictionary<nn.Module, (string, nn.Module?)>)typeof(Quantizer)
            .GetProperty("ModulesProcessed", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!
            .GetValue(q)!).ContainsKey(relu));
    }

    [Fact]
    public void NamedModuleOrder_IsKeptAfterReplacement()
    {
        var model = DummyModel();
        var before = model.named_modules().Select(m => m.name).ToList();
        new DummyQuantizer(model, bitsActivations: 8).PrepareModel();
        // Wrappers add "<name>.inner"; every original name is still there, in the same order.
        var after = model.named_modules().Select(m => m.name).Where(n => !n.EndsWith(".inner", StringComparison.Ordinal)).ToList();
        Assert.Equal(before, after);
        // the ReLUs are replaced and the Sequential's forward runs the replacements (DummyQuantLayer doubles)
        model.eval();
        Assert.IsType<DummyQuantLayer>(ModuleTree.Get(model, "sub2.relu2"));
    }

    internal sealed class ConcreteFieldNet : nn.Module<Tensor, Tensor>
    {
        private readonly ReLU relu1 = nn.ReLU();
        public ConcreteFieldNet() : base(nameof(ConcreteFieldNet)) => RegisterComponents();
        public ReLU Relu1 => relu1;
        public override Tensor forward(Tensor x) => relu1.call(x);
    }

    [Fact]
    public void ConcreteField_KeepsItsModule_WhoseCallRunsTheReplacement()
    {
        var model = new ConcreteFieldNet();
        var relu = model.Relu1;
        new DummyQuantizer(model, bitsActivations: 8).PrepareModel();
        Assert.Same(relu, model.Relu1);
        Assert.IsType<DummyQuantLayer>(ModuleTree.Get(model, "relu1"));
        var x = torch.tensor(new[] { -1f, 2f });
        // DummyQuantLayer doubles its input; the ReLU alone would give [0, 2].
        Assert.Equal(new[] { -2f, 4f }, model.forward(x).data<float>().ToArray());
        // Putting the original back makes the field's module run itself again.
        ModuleTree.Replace(model, "relu1", relu);
        Assert.Same(relu, ModuleTree.Get(model, "relu1"));
        Assert.Equal(new[] { 0f, 2f }, model.forward(x).data<float>().ToArray());
    }
}

public class ModuleTreeTests
{
    internal sealed class ListNet : nn.Module<Tensor, Tensor>
    {
        private ModuleList<nn.Module<Tensor, Tensor>> layers = new(nn.Linear(2, 2), nn.ReLU());
        public ListNet() : base(nameof(ListNet)) => RegisterComponents();
        public override Tensor forward(Tensor x)
        {
            foreach (var l in layers) x = l.forward(x);
            return x;
        }
    }

    [Fact]
    public void ModuleListItem_IsReplacedUnderItsName()
    {
        var model = new ListNet();
        var before = model.named_modules().Select(m => m.name).ToList();
        ModuleTree.Replace(model, "layers.1", new PassThrough());
        Assert.Equal(before, model.named_modules().Select(m => m.name).ToList());
        Assert.IsType<PassThrough>(ModuleTree.Get(model, "layers.1"));
        var x = torch.tensor(new[] { -1f, 2f }).reshape(1, 2);
        // the ReLU is gone from the forward pass: negative outputs of the Linear survive
        var lin = (Linear)ModuleTree.Get(model, "layers.0");
        Assert.True(model.forward(x).equal(lin.forward(x)).all().item<bool>());
    }

    [Fact]
    public void SequentialItem_IsReplacedAndRuns()
    {
        var model = nn.Sequential(("fc", nn.Linear(2, 2)), ("relu", nn.ReLU()));
        ModuleTree.Replace(model, "relu", new PassThrough());
        Assert.Equal(new[] { "fc", "relu" }, model.named_children().Select(c => c.name).ToArray());
        var x = torch.tensor(new[] { -1f, 2f }).reshape(1, 2);
        var fc = (Linear)ModuleTree.Get(model, "fc");
        Assert.True(model.forward(x).equal(fc.forward(x)).all().item<bool>());
        Assert.Throws<ArgumentException>(() => ModuleTree.Get(model, "nope"));
    }
}
