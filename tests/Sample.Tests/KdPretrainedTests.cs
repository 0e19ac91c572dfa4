using Distiller.Typed.Samples.ResNetPrune.Cli;

namespace Distiller.Typed.Sample.Tests;

/// <summary>
/// <c>--kd-pretrained</c>: Distiller's teacher from a model zoo. No pre-trained Fashion-MNIST weights exist for this
/// program, so alone it is an error that says how to get a teacher; with <c>--kd-resume</c> the checkpoint's weights
/// are the teacher's (Distiller too loads the checkpoint over the pre-trained weights).
/// </summary>
public sealed class KdPretrainedTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("resnetprune-kd-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Without_a_checkpoint_it_is_an_error_naming_the_way_to_a_teacher()
    {
        var (code, output, error) = ProgramRunner.Run(ProgramRunner.Tiny(Path.Combine(_root, "s"), 1, "--kd-teacher", "resnet20", "--kd-pretrained"));
        Assert.Equal(ErrorPolicy.UserErrorExitCode, code);
        Assert.Contains("error: --kd-pretrained: this program has no pre-trained resnet20 weights", error);
        Assert.Contains("--kd-resume logs/teacher/best.ckpt", error);
        Assert.DoesNotContain("Epoch 1/1", output); // refused before any training
    }

    [Fact]
    public void With_kd_resume_the_checkpoint_is_the_teacher()
    {
        Assert.Equal(0, ProgramRunner.Run(ProgramRunner.Tiny(Path.Combine(_root, "teacher"), 1)).ExitCode);
        var (code, output, error) = ProgramRunner.Run(ProgramRunner.Tiny(Path.Combine(_root, "student"), 1,
            "--kd-teacher", "resnet20_narrow", "--kd-pretrained", "--kd-resume", Path.Combine(_root, "teacher", "best.ckpt")));
        Assert.True(code == 0, error);
        Assert.Contains("Teacher: resnet20_narrow from ", output);
    }
}
