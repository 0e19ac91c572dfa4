using System.CommandLine;
using Distiller.Typed.Quantization;
using Distiller.Typed.Quantization.CommandLine;
using Distiller.Typed.Quantization.PostTraining;
using Distiller.Typed.Quantization.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Quantization.Tests;

/// <summary>Command-line options and quantizers configured from argument dictionaries and YAML files.</summary>
public class ConfigurationTests
{
    private static (RootCommand Command, PostTrainQuantizationOptions Options) Cli()
    {
        var root = new RootCommand("test");
        var options = new PostTrainQuantizationOptions();
        options.AddTo(root);
        return (root, options);
    }

    [Fact]
    public void Defaults()
    {
        var (cmd, o) = Cli();
        var s = o.Read(cmd.Parse(Array.Empty<string>()));
        Assert.False(s.QuantizeEval);
        Assert.Equal((LinearQuantMode.Symmetric, 8, 8, 32, ClipMode.None), (s.Mode, s.BitsActivations, s.BitsWeights, s.BitsAccum, s.ClipActs));
        Assert.Null(s.Calibration);
        Assert.Empty(s.NoClipLayers);
    }

    [Fact]
    public void LongNamesAndAliases()
    {
        var (cmd, o) = Cli();
        var s = o.Read(cmd.Parse("--qe --qem asym_u --qeba 6 --qebw 0 --qe-bits-accum 24 --qeca n_std --qe-clip-n-stds 2.5 --qencl fc conv1 --qepc --qe-stats-file s.yaml"));
        Assert.True(s.QuantizeEval);
        Assert.Equal(LinearQuantMode.AsymmetricUnsigned, s.Mode);
        Assert.Equal(6, s.BitsActivations);
        Assert.Null(s.BitsWeights);
        Assert.Equal(24, s.BitsAccum);
        Assert.Equal(ClipMode.NStd, s.ClipActs);
        Assert.Equal(2.5, s.ClipNStds);
        Assert.Equal(new[] { "fc", "conv1" }, s.NoClipLayers);
        Assert.True(s.PerChannel);
        Assert.Equal("s.yaml", s.StatsFile);

        s = o.Read(cmd.Parse("--quantize-eval --qe-mode sym_restr --qe-clip-acts --qe-per-channel --qe-config-file q.yaml"));
        Assert.Equal(LinearQuantMode.SymmetricRestricted, s.Mode);
        Assert.Equal(ClipMode.Avg, s.ClipActs);
        Assert.Equal("q.yaml", s.ConfigFile);
        Assert.Equal(0.05, o.Read(cmd.Parse("--qe-calibration 0.05")).Calibration);
    }

    [Fact]
    public void QuantizeEvalAndCalibration_AreMutuallyExclusive()
    {
        var (cmd, _) = Cli();
        var r = cmd.Parse("--qe --qe-calibration 0.1");
        var e = Assert.Single(r.Errors);
        Assert.Contains("--quantize-eval and --qe-calibration are mutually exclusive", e.Message);
    }

    [Theory]
    [InlineData("--qem symmetric", "'symmetric' is not valid for --qe-mode")]
    [InlineData("--qeca median", "'median' is not valid for --qe-clip-acts")]
    [InlineData("--qe-calibration 1.5", "--qe-calibration must be a portion")]
    [InlineData("--qeba 33", "--qe-bits-acts must be between")]
    [InlineData("--qeca n_std", "--qe-clip-acts n_std needs --qe-clip-n-stds")]
    public void BadValues_GetClearErrors(string line, string message)
    {
        var (cmd, _) = Cli();
        Assert.Contains(cmd.Parse(line).Errors, e => e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void SettingsBuildTheQuantizer_WithNoClipOverrides()
    {
        var (cmd, o) = Cli();
        var model = new PostTrainQuantizationTests.ConvBnReluNet();
        var q = o.Read(cmd.Parse("--qe --qeca --qencl fc --qebw 4")).CreateQuantizer(model);
        Assert.Equal(ClipMode.Avg, q.ClipActs);
        Assert.Equal(4, q.ModuleQBits["fc"].Weights);
        q.PrepareModel(torch.randn(1, 1, 8, 8));
        Assert.Equal(ClipMode.None, ((RangeLinearQuantParamLayerWrapper)ModuleTree.Get(model, "fc")).Acts.OutputSettings.ClipMode);
        Assert.Equal(ClipMode.Avg, ((RangeLinearQuantParamLayerWrapper)ModuleTree.Get(model, "conv1")).Acts.OutputSettings.ClipMode);
    }

    [Fact]
    public void ConfigFile_QuantizersSectionByClass()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ptq_{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, """
            pruners:
              ignored:
                class: AutomatedGradualPruner
            quantizers:
              post_train_quantizer:
                class: PostTrainLinearQuantizer
                bits_activations: 8
                bits_parameters: 6
                bits_accum: 32
                mode:
                  activations: ASYMMETRIC_UNSIGNED
                  weights: SYMMETRIC
                clip_acts: AVG
                per_channel_wts: true
                overrides:
                  fc:
                    bits_activations: null
                    bits_weights: null
                  conv.*:
                    clip_acts: NONE
            """);
        try
        {
            var model = new PostTrainQuantizationTests.ConvBnReluNet();
            var (cmd, o) = Cli();
            var q = o.Read(cmd.Parse($"--qe --qe-config-file {path}")).CreateQuantizer(model);
            Assert.Equal(new ModuleQuantMode(LinearQuantMode.AsymmetricUnsigned, LinearQuantMode.Symmetric), q.Mode);
            Assert.Equal(ClipMode.Avg, q.ClipActs);
            Assert.True(q.PerChannelWts);
            Assert.Equal(6, q.ModuleQBits["conv1"].Weights);
            // Linear keeps its bias bits (bits_accum), as Distiller's QBits map does; no activations or weights -> left in float
            Assert.Equal(new QBits(null, null, 32), q.ModuleQBits["fc"]);
            q.PrepareModel(torch.randn(1, 1, 8, 8));
            Assert.IsType<TorchSharp.Modules.Linear>(ModuleTree.Get(model, "fc"));
            Assert.Equal("NONE", q.ModuleOverrides["conv1"]["clip_acts"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Factory_ChecksArgumentNames()
    {
        var model = new PostTrainQuantizationTests.ConvBnReluNet();
        var e = Assert.Throws<ArgumentException>(() => QuantizerFactory.Create("PostTrainLinearQuantizer", model, null,
            new Dictionary<string, object?> { ["bits_activation"] = 8 }));
        Assert.Contains("unknown argument 'bits_activation'", e.Message);
        Assert.Contains("bits_activations", e.Message);
        Assert.Contains("not supported", Assert.Throws<ArgumentException>(() => QuantizerFactory.Create("PostTrainLinearQuantizer", model, null,
            new Dictionary<string, object?> { ["fp16"] = true })).Message);
        Assert.Contains("not a quantizer class", Assert.Throws<ArgumentException>(() => QuantizerFactory.Create("Dorefa", model, null,
            new Dictionary<string, object?>())).Message);
        Assert.Contains("'mode'", Assert.Throws<ArgumentException>(() => QuantizerFactory.Create("PostTrainLinearQuantizer", model, null,
            new Dictionary<string, object?> { ["mode"] = "SIMMETRIC" })).Message);
    }

    [Fact]
    public void Factory_BuildsQatQuantizersWithTheirArguments()
    {
        var model = new TrainingQuantizerTests.TinyNet();
        var opt = optim.SGD(model.parameters(), 0.1);
        var pact = Assert.IsType<PactQuantizer>(QuantizerFactory.Create("PACTQuantizer", model, opt, new Dictionary<string, object?>
        {
            ["class"] = "PACTQuantizer", ["bits_activations"] = 4L, ["bits_weights"] = "3", ["act_clip_init_val"] = 6.0, ["act_clip_decay"] = 1e-4,
            ["overrides"] = new Dictionary<string, object?> { ["fc2"] = new Dictionary<string, object?> { ["bits_weights"] = null } },
        }));
        Assert.Equal(new QBits(4, 3, null), pact.ModuleQBits["fc1"]);
        Assert.Equal(new QBits(4, null, null), pact.ModuleQBits["fc2"]);
        Assert.Equal(6.0, pact.ActClipInitVal);
        Assert.Equal(1e-4, pact.ActClipDecay);
        Assert.Throws<ArgumentNullException>(() => QuantizerFactory.Create("DorefaQuantizer", model, null, new Dictionary<string, object?>()));
        var qat = Assert.IsType<QuantAwareTrainRangeLinearQuantizer>(QuantizerFactory.Create("QuantAwareTrainRangeLinearQuantizer", model, opt,
            new Dictionary<string, object?> { ["mode"] = "ASYMMETRIC_UNSIGNED", ["ema_decay"] = 0.99, ["per_channel_wts"] = "true" }));
        Assert.Equal(LinearQuantMode.AsymmetricUnsigned, qat.Mode.Weights);
        Assert.Equal(0.99, qat.EmaDecay);
        Assert.True(qat.PerChannelWts);
    }
}
