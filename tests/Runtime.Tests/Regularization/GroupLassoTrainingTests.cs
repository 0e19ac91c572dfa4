using Distiller.Typed.Masks;
using Distiller.Typed.Regularization;
using TorchSharp;
using static TorchSharp.torch;

namespace Distiller.Typed.Tests.Regularization;

public class GroupLassoTrainingTests
{
    [Fact]
    public void SgdOnTheRowLassoShrinksEachRowByLrTimesLambdaThenThresholdingMasksTheDeadRow()
    {
        using var scope = NewDisposeScope();
        var model = nn.Sequential(("fc", nn.Linear(2, 2, hasBias: false)));
        var w = model.named_parameters().Single().parameter;
        using (no_grad())
            w.copy_(tensor(new float[] { 0.3f, 0.4f, 3, 4 }).reshape(2, 2));
        using var masks = MaskDictionary.For(model);
        var reg = new GroupLassoRegularizer("lasso", model,
            new Dictionary<string, GroupRegime> { ["fc.weight"] = new(1.0, "Rows") }, "Max");
        var sgd = optim.SGD(model.parameters(), 0.1);
        // The lasso gradient of a row is λ · w / ‖w‖ (unit length), so each SGD step with lr 0.1 shortens every row
        // by 0.1 without turning it: after 4 steps row 0 has norm 0.5 - 0.4 = 0.1 -> [0.06, 0.08],
        // row 1 has norm 5 - 0.4 = 4.6 -> [2.76, 3.68].
        for (int step = 0; step < 4; step++)
        {
            using var stepScope = NewDisposeScope();
            sgd.zero_grad();
            reg.Loss(w, "fc.weight", zeros(1), masks).backward();
            sgd.step();
        }
        var values = w.detach().data<float>().ToArray();
        Assert.Equal(new[] { 0.06f, 0.08f, 2.76f, 3.68f }, values.Select(v => MathF.Round(v, 4)).ToArray());
        // Threshold = λ = 1 with Max: row maxima 0.08 (pruned) and 3.68 (kept).
        reg.Threshold(w, "fc.weight", masks);
        Assert.Equal(new float[] { 0, 0, 1, 1 }, masks["fc.weight"].Mask!.data<float>().ToArray());
    }
}
