using System;
using System.Linq;
using Distiller.Typed.Generators.Binding;
using Distiller.Typed.Generators.Diagnostics;
using Distiller.Typed.Generators.Emit;
using Distiller.Typed.Generators.Helpers;
using Distiller.Typed.Generators.Model;
using Distiller.Typed.Generators.Schedules;
using Distiller.Typed.Schedules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Distiller.Typed.Generators;

/// <summary>
/// Checks Distiller schedule YAML (additional files) against <c>[CompressibleModel]</c> TorchSharp classes and emits
/// a typed builder per schedule. This file only wires the stages:
/// 1. schedule files → parsed schedules (detached from the compilation, so C# edits leave them cached);
/// 2. <c>[CompressibleModel]</c> classes → model shapes (name strings only);
/// 3. both combined → bound, name-checked schedules → generated sources and diagnostics.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class DistillerScheduleGenerator : IIncrementalGenerator
{
    private const string AttributeName = "Distiller.Typed.CompressibleModelAttribute";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var scheduleInputs = context.AdditionalTextsProvider
            .Where(ScheduleFileParser.IsYaml)
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select((pair, cancellationToken) => ScheduleFileParser.Read(pair.Left, pair.Right, cancellationToken))
            .Where(ScheduleFileParser.IsSchedule)
            .WithTrackingName(StepNames.ScheduleInputs);

        var parsedSchedules = scheduleInputs
            .Select(ScheduleFileParser.Parse)
            .WithTrackingName(StepNames.ParsedSchedules);

        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (attributeContext, cancellationToken) => AnalyzeModel(attributeContext, cancellationToken))
            .WithTrackingName(StepNames.Models);

        var referencedModels = context.CompilationProvider
            .Select(static (compilation, cancellationToken) => ReferencedModels.Find(compilation, AttributeName, cancellationToken))
            .WithTrackingName(StepNames.ReferencedModels);

        var allModels = models
            .Collect()
            .Combine(referencedModels)
            .Select(static (input, _) => ModelResult.Shapes(input.Left, input.Right))
            .WithTrackingName(StepNames.AllModels);

        var runtime = context.CompilationProvider
            .Select(static (compilation, _) => RuntimeApi.Detect(compilation))
            .WithTrackingName(StepNames.RuntimeFeatures);

        // The guard must run before the project's first torch call; only the project's own assembly loads early enough.
        var kernelGuard = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName(CpuKernelGuardEmitter.GuardMetadataName) is { DeclaredAccessibility: Accessibility.Public })
            .WithTrackingName(StepNames.CpuKernelGuard);
        context.RegisterSourceOutput(kernelGuard, static (output, runtimeHasGuard) =>
        {
            if (runtimeHasGuard)
            {
                var source = CpuKernelGuardEmitter.Emit();
                output.AddSource(source.HintName, source.Text);
            }
        });

        var bound = parsedSchedules
            .Combine(allModels)
            .Combine(runtime)
            .Select(static (input, _) => ScheduleBinder.Bind(input.Left.Left, input.Left.Right, input.Right))
            .WithTrackingName(StepNames.BoundSchedules);

        var scheduleSources = bound
            .Select(static (schedule, _) => (Source: EmitSafely(schedule), schedule.Diagnostics))
            .WithTrackingName(StepNames.ScheduleSources);

        context.RegisterSourceOutput(scheduleSources, static (output, item) =>
        {
            foreach (var diagnostic in item.Diagnostics)
            {
                output.ReportDiagnostic(DiagnosticFactory.ToDiagnostic(diagnostic));
            }

            if (item.Source.Source is { } source)
            {
                output.AddSource(source.HintName, source.Text);
            }

            if (item.Source.Failure is { } failure)
            {
                output.ReportDiagnostic(DiagnosticFactory.ToDiagnostic(failure));
            }
        });

        var modelNameSources = models
            .Select(static (result, _) => EmitNamesSafely(result))
            .WithTrackingName(StepNames.ModelNameSources);

        context.RegisterSourceOutput(models, static (output, result) =>
        {
            if (result.Failure is { } failure)
            {
                output.ReportDiagnostic(Diagnostic.Create(GeneratorDiagnostics.InternalError, Location.None, result.ClassName, "model analysis", failure));
            }
        });

        context.RegisterSourceOutput(modelNameSources, static (output, item) =>
        {
            if (item.Source is { } source)
            {
                output.AddSource(source.HintName, source.Text);
            }

            if (item.Failure is { } failure)
            {
                output.ReportDiagnostic(Diagnostic.Create(GeneratorDiagnostics.InternalError, Location.None, item.ClassName, "name emission", failure));
            }
        });
    }

    private static ModelResult AnalyzeModel(GeneratorAttributeSyntaxContext context, System.Threading.CancellationToken cancellationToken)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        try
        {
            return new ModelResult(ModelShapeParser.Parse(type, context.SemanticModel.Compilation, cancellationToken, context.SemanticModel), null, type.Name);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ModelResult(null, e.GetType().Name + ": " + e.Message, type.Name);
        }
    }

    private static (GeneratedSource? Source, string? Failure, string ClassName) EmitNamesSafely(ModelResult result)
    {
        if (result.Shape is not { } shape)
        {
            return (null, null, result.ClassName);
        }

        try
        {
            return (ModelNamesEmitter.Emit(shape), null, result.ClassName);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (null, e.GetType().Name + ": " + e.Message, result.ClassName);
        }
    }

    private static (GeneratedSource? Source, DiagnosticInfo? Failure) EmitSafely(BoundSchedule schedule)
    {
        if (schedule.Emit is null)
        {
            return (null, null);
        }

        try
        {
            return (ScheduleEmitter.Emit(schedule.Emit), null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (null, DiagnosticInfo.Create(GeneratorDiagnostics.InternalError, schedule.Emit.FileName, SourceSpan.FileStart, schedule.Emit.FileName, e.GetType().Name, e.Message));
        }
    }
}
