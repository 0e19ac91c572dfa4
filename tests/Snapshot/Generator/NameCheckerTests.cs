using Distiller.Typed.Catalogue;
using Distiller.Typed.Generators.Binding;
using Distiller.Typed.Generators.Diagnostics;
using Distiller.Typed.Schedules;
using Distiller.Typed.Snapshot.Tests.Infrastructure;
using Distiller.Typed.Snapshot.Tests.Model;

namespace Distiller.Typed.Snapshot.Tests.Generator;

/// <summary>Name checks no catalogue argument reaches today (module-name lists), exercised directly.</summary>
public sealed class NameCheckerTests
{
    [Fact]
    public void A_list_of_module_names_reports_an_unknown_module_with_the_nearest_names()
    {
        var model = ModelShapeTests.Parse(TestPaths.TestModel("AlexNet.cs"), "AlexNet");
        var diagnostics = new List<DiagnosticInfo>();
        var checker = new NameChecker(model, "/p/plan.yaml", diagnostics);
        var yaml = Schedule.Parse("""
            pruners:
              p:
                class: AutomatedGradualPruner
                initial_sparsity: 0.05
                final_sparsity: 0.5
                weights: [classifier.6, classifer.4, features.module.0]
            """, "/p/plan.yaml").Document;
        var entry = yaml.Components.Single().Argument("weights")!;

        checker.CheckArgument(entry, NameKind.ModuleNames, groupType: null);

        Assert.Equal(["DTS102", "DTS106"], diagnostics.Select(d => d.Id));
        var unknown = diagnostics[0];
        Assert.Equal((6, 29), (unknown.Span.Line, unknown.Span.Column));
        Assert.Equal(["classifer.4", "AlexNet", "; did you mean 'classifier.4' or 'classifier.0' or 'classifier.1'?"], unknown.Arguments);
        Assert.Equal(["features.module.0", "features.0"], diagnostics[1].Arguments);
    }
}
