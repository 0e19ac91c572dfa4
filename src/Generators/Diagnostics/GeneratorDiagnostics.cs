using Microsoft.CodeAnalysis;

namespace Distiller.Typed.Generators.Diagnostics;

/// <summary>
/// The findings only the generator can make, because they need the model: DTS100–DTS199. The schedule language's
/// model-free findings (DTS001–DTS099) come from src/Sdk's ScheduleDiagnosticDescriptors and are reported through
/// <see cref="DiagnosticFactory"/>. Ids are stable; see AnalyzerReleases.Shipped.md / Unshipped.md.
/// </summary>
internal static class GeneratorDiagnostics
{
    private const string Names = "Distiller.Schedule.Names";
    private const string Binding = "Distiller.Schedule.Binding";
    private const string Generator = "Distiller.Schedule.Generator";

    public static readonly DiagnosticDescriptor UnknownParameter = Create(
        "DTS101", "Unknown parameter name", "'{0}' is not a parameter of {1}{2}", DiagnosticSeverity.Error, Names);

    public static readonly DiagnosticDescriptor UnknownModule = Create(
        "DTS102", "Unknown module name", "'{0}' is not a module of {1}{2}", DiagnosticSeverity.Error, Names);

    public static readonly DiagnosticDescriptor OverrideMatchesNothing = Create(
        "DTS103", "Override pattern matches no module", "The override pattern '{0}' matches no module of {1}{2}", DiagnosticSeverity.Warning, Names);

    public static readonly DiagnosticDescriptor UnreachableOverride = Create(
        "DTS104", "Override can never apply", "The override '{0}' can never apply: the earlier pattern '{1}' already matches every module it matches ({2}); first match wins, so list the specific pattern first", DiagnosticSeverity.Warning, Names);

    public static readonly DiagnosticDescriptor GroupTypeUnsupported = Create(
        "DTS105", "Group type unsupported by the parameter's rank", "Group type '{0}' needs a {1} parameter, but '{2}' of {3} is {4}-dimensional", DiagnosticSeverity.Error, Names);

    public static readonly DiagnosticDescriptor DataParallelPrefix = Create(
        "DTS106", "DataParallel 'module.' prefix normalised", "'{0}' is read as '{1}': the 'module.' segment DataParallel adds is dropped", DiagnosticSeverity.Info, Names);

    public static readonly DiagnosticDescriptor NamesNotChecked = Create(
        "DTS107", "Names not checked at compile time", "'{0}' and other names under {1} are not checked at compile time: {2}. The schedule's builder checks them against named_parameters() when it runs", DiagnosticSeverity.Info, Names);

    public static readonly DiagnosticDescriptor NoModelBound = Create(
        "DTS110", "Schedule bound to no model", "{0} Bind a schedule to a [CompressibleModel] class in one of three ways: 'Model' metadata on its AdditionalFiles item (<AdditionalFiles Update=\"{1}\" Model=\"AlexNet\" />), a top-level 'model: AlexNet' key in the YAML, or a file name starting with the class name ('alexnet.schedule_agp.yaml'). Models in this compilation: {2}", DiagnosticSeverity.Error, Binding);

    public static readonly DiagnosticDescriptor InternalError = Create(
        "DTS199", "Internal generator failure", "The schedule generator failed on '{0}' ({1}: {2}); please report this with the schedule and model", DiagnosticSeverity.Error, Generator);

    public static DiagnosticDescriptor[] All { get; } =
    [
        UnknownParameter, UnknownModule, OverrideMatchesNothing, UnreachableOverride, GroupTypeUnsupported,
        DataParallelPrefix, NamesNotChecked, NoModelBound, InternalError,
    ];

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity, string category) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

    internal static string HelpLink(string id) => Distiller.Typed.Diagnostics.ScheduleDiagnosticDescriptor.HelpLinkFor(id);
}
