using Distiller.Typed.Samples.ResNetPrune.Cli;

namespace Distiller.Typed.Sample.Tests;

/// <summary>Bad input is one error line and exit code 1; a bug is a stack trace, a request to report it and exit code 70.</summary>
public sealed class ErrorPolicyTests
{
    [Theory]
    [InlineData(typeof(ArgumentException))]
    [InlineData(typeof(FileNotFoundException))]
    [InlineData(typeof(InvalidDataException))]
    [InlineData(typeof(UnauthorizedAccessException))]
    public void BadInputIsOneErrorLine(Type type)
    {
        var error = new StringWriter();
        var code = ErrorPolicy.Run(() => throw (Exception)Activator.CreateInstance(type, "x.ckpt: what is wrong")!, error);
        Assert.Equal(1, code);
        Assert.Equal("error: x.ckpt: what is wrong" + Environment.NewLine, error.ToString());
    }

    [Theory]
    [InlineData(typeof(NullReferenceException))]
    [InlineData(typeof(FormatException))]
    [InlineData(typeof(OverflowException))]
    [InlineData(typeof(InvalidCastException))]
    public void ABugShowsItsStackTraceAndAsksForAReport(Type type)
    {
        var error = new StringWriter();
        var code = ErrorPolicy.Run(() => Throw(type), error);
        Assert.Equal(70, code);
        var text = error.ToString();
        Assert.StartsWith($"internal error: {type.FullName}: boom", text);
        Assert.Contains($"at {typeof(ErrorPolicyTests).FullName}.{nameof(Throw)}", text); // the stack trace
        Assert.Contains("This is a bug in ResNetPrune, not a problem with your input: please report it", text);
    }

    private static int Throw(Type type) => throw (Exception)Activator.CreateInstance(type, "boom")!;
}
