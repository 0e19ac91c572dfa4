using Distiller.Typed.Text;

namespace Distiller.Typed.Sdk.Tests.Validation;

/// <summary>The one override-key compiler: Distiller's whole-name semantics and Python <c>re</c> spellings.</summary>
public sealed class OverridePatternTests
{
    [Theory]
    [InlineData("conv1|fc", "conv1", true)]
    [InlineData("conv1|fc", "fc", true)]
    [InlineData("conv1|fc", "conv1.extra", false)] // Distiller's (^conv1|fc$) would match this: one anchor per side
    [InlineData("conv1|fc", "my.fc", false)]
    [InlineData("layer1\\..*", "layer1.0.conv1", true)]
    [InlineData("layer1", "layer1.0", false)]
    public void A_key_matches_a_whole_module_name(string key, string module, bool matches) =>
        Assert.Equal(matches, OverridePattern.Create(key).IsMatch(module));

    [Theory]
    [InlineData("(?P<stage>layer[0-9])\\.0\\.conv1", "(?<stage>layer[0-9])\\.0\\.conv1", "layer2.0.conv1", true)]
    [InlineData("(?P<s>layer)(?P=s)", "(?<s>layer)\\k<s>", "layerlayer", true)]
    [InlineData("fc\\Z", "fc\\z", "fc", true)]
    [InlineData("layer1\\.[0-9]{,2}\\.conv1", "layer1\\.[0-9]{0,2}\\.conv1", "layer1.12.conv1", true)]
    [InlineData("layer1\\.[0-9]{,2}\\.conv1", "layer1\\.[0-9]{0,2}\\.conv1", "layer1.123.conv1", false)]
    [InlineData("a[{,2}]b", "a[{,2}]b", "a,b", true)] // inside a class {,2} is three literal characters
    [InlineData("x\\{,2}", "x\\{,2}", "x{,2}", true)]
    public void Python_spellings_are_translated(string key, string translated, string module, bool matches)
    {
        var pattern = OverridePattern.Create(key);
        Assert.Equal(translated, pattern.Translated);
        Assert.Equal(matches, pattern.IsMatch(module));
    }

    [Theory]
    [InlineData("conv.*+", "possessive quantifier")]
    [InlineData("conv\\d++", "possessive quantifier")]
    [InlineData("(?a)conv\\d", "inline flags 'a' (ASCII)")]
    [InlineData("(?aL:conv)", "Python syntax")]
    [InlineData("conv(1", "Not enough )")]
    public void Python_syntax_with_no_equivalent_is_refused_with_a_reason(string key, string reason)
    {
        Assert.False(OverridePattern.TryCreate(key, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("conv\\d+?")]
    [InlineData("a*?b")]
    [InlineData("\\++")]
    [InlineData("(?i)CONV1")]
    public void Lazy_quantifiers_escapes_and_other_flags_are_not_mistaken_for_python_only_syntax(string key) =>
        Assert.True(OverridePattern.TryCreate(key, out _, out var error), error);
}
