using System;
using System.Collections.Generic;
using System.Linq;
using Distiller.Typed.Generators.Diagnostics;
using Distiller.Typed.Generators.Emit;
using Distiller.Typed.Generators.Helpers;
using Distiller.Typed.Generators.Model;
using Distiller.Typed.Generators.Schedules;
using Distiller.Typed.Schedules;
using Distiller.Typed.Text;

namespace Distiller.Typed.Generators.Binding;

/// <summary>
/// Stage 3: binds a parsed schedule to its model — <c>Model</c> item metadata, then a top-level <c>model:</c> key,
/// then the file name's first dotted segment (case-insensitive) — checks its names, and builds the emit model.
/// </summary>
internal static class ScheduleBinder
{
    public static BoundSchedule Bind(ScheduleFile file, IReadOnlyList<ModelShape> models, RuntimeFeatures runtime)
    {
        var diagnostics = new List<DiagnosticInfo>(file.Diagnostics);
        try
        {
            var model = ChooseModel(file, models, diagnostics);
            if (model is null)
            {
                return new BoundSchedule(null, diagnostics.ToEquatableArray());
            }

            var checker = new NameChecker(model, file.Path, diagnostics);
            checker.Check(file.Document);
            var hasErrors = file.HasErrors || diagnostics.Any(d => IsError(d.Id));
            var emit = CreateEmitModel(file, model, checker.Normalised, hasErrors, runtime);
            return new BoundSchedule(emit, diagnostics.ToEquatableArray());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.InternalError, file.Path, SourceSpan.FileStart, file.FileName, e.GetType().Name, e.Message));
            return new BoundSchedule(null, diagnostics.ToEquatableArray());
        }
    }

    private static bool IsError(string id) =>
        GeneratorDiagnostics.All.FirstOrDefault(d => d.Id == id) is { } descriptor
            ? descriptor.DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error
            : Distiller.Typed.Diagnostics.ScheduleDiagnosticDescriptors.Find(id).Severity == Distiller.Typed.Diagnostics.ScheduleDiagnosticSeverity.Error;

    private static ModelShape? ChooseModel(ScheduleFile file, IReadOnlyList<ModelShape> models, List<DiagnosticInfo> diagnostics)
    {
        var available = models.Count == 0
            ? "none (mark a TorchSharp module class with [Distiller.Typed.CompressibleModel])"
            : string.Join(", ", models.Select(m => m.ClassName).Distinct().OrderBy(n => n, StringComparer.Ordinal));

        void Fail(SourceSpan span, string reason) =>
            diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.NoModelBound, file.Path, span, reason.EndsWith("?", StringComparison.Ordinal) ? reason : reason + ".", file.FileName, available));

        if (file.ModelMetadata is { } metadata)
        {
            return Find(metadata, models, out var problem) ?? Report($"The 'Model' metadata '{metadata}' of '{file.FileName}' {problem}", SourceSpan.FileStart);
        }

        if (file.Document.Model is { } key)
        {
            return Find(key.Text, models, out var problem) ?? Report($"'model: {key.Text}' {problem}", key.Span);
        }

        var segment = file.FileName.Split('.')[0];
        return Find(segment, models, out var fileProblem) ?? Report($"'{file.FileName}' is bound to no model: its first name segment '{segment}' {fileProblem}", SourceSpan.FileStart);

        ModelShape? Report(string reason, SourceSpan span)
        {
            Fail(span, reason);
            return null;
        }
    }

    private static ModelShape? Find(string name, IReadOnlyList<ModelShape> models, out string problem)
    {
        var matches = models
            .Where(m => string.Equals(m.ClassName, name, StringComparison.OrdinalIgnoreCase)
                        || string.Equals(m.FullyQualifiedName.Replace("global::", string.Empty), name, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (matches.Count == 1)
        {
            problem = string.Empty;
            return matches[0];
        }

        problem = matches.Count == 0
            ? "names no [CompressibleModel] class" + NearestNames.DidYouMean(name, models.Select(m => m.ClassName))
            : "matches several [CompressibleModel] classes (" + string.Join(", ", matches.Select(m => m.FullyQualifiedName.Replace("global::", string.Empty))) + "); use the full name";
        return null;
    }

    private static ScheduleEmitModel CreateEmitModel(ScheduleFile file, ModelShape model, Dictionary<int, string> normalised, bool hasErrors, RuntimeFeatures runtime)
    {
        var document = file.Document;
        var className = model.Prefix + model.ClassName + Identifiers.Pascal(RestOfFileName(file.FileName, model.ClassName)) + "Schedule";
        var needsOptimizer = document.Components.Any(c =>
            c.Section is ScheduleSection.LrSchedulers or ScheduleSection.Extensions
            || (c.Section == ScheduleSection.Quantizers && c.ClassName != "PostTrainLinearQuantizer"));

        var instances = new List<InstanceModel>();
        var usedProperties = new HashSet<string>(StringComparer.Ordinal) { "Options" };
        if (!hasErrors)
        {
            foreach (var component in document.Components)
            {
                var property = Identifiers.Unique(Identifiers.Pascal(component.InstanceName), usedProperties);
                var optionNames = new HashSet<string>(StringComparer.Ordinal) { property + "Options" };
                var options = component.Arguments
                    .Select(a =>
                    {
                        var descriptor = NameArguments.Of(component, a.Key.Text);
                        return new OptionModel(a.Key.Text, Identifiers.Unique(Identifiers.Pascal(a.Key.Text), optionNames), Normalise(a.Value, normalised), a.Key.Span, descriptor?.Type, descriptor?.Nullable ?? false, descriptor?.Summary);
                    })
                    .ToEquatableArray();
                instances.Add(new InstanceModel(component.Section, component.InstanceName, component.ClassName ?? string.Empty, property, component.Name.Span, options));
            }
        }

        var policies = hasErrors
            ? EquatableArray<PolicyModel>.Empty
            : document.Policies.Select(p => new PolicyModel(
                p.Section,
                p.InstanceName?.Text ?? string.Empty,
                (p.Args?.Entries ?? default).Select(e => new MappingEntryModel(e.Key.Text, Normalise(e.Value, normalised), e.Key.Span)).ToEquatableArray(),
                Int(p.StartingEpoch),
                Int(p.EndingEpoch),
                Int(p.Frequency),
                p.Epochs?.Items.OfType<ScalarValue>().Select(s => s.TryGetInt32(out var i) ? i : 0).ToEquatableArray(),
                p.Span)).ToEquatableArray();

        var hint = (model.Namespace.Length == 0 ? string.Empty : model.Namespace + ".") + className + "." + StableHash(file.Path) + ".g.cs";
        return new ScheduleEmitModel(
            hint,
            file.FileName,
            file.DisplayPath,
            model.Namespace,
            className,
            model.IsPublic,
            model.IsAccessible,
            model.FullyQualifiedName,
            model.ClassName,
            needsOptimizer,
            hasErrors,
            runtime,
            instances.ToEquatableArray(),
            policies);
    }

    /// <summary><c>alexnet.schedule_agp.yaml</c> → <c>agp</c>: the file name without extension, model segment and
    /// the word "schedule".</summary>
    internal static string RestOfFileName(string fileName, string modelName)
    {
        var withoutExtension = System.IO.Path.GetFileNameWithoutExtension(fileName);
        var segments = withoutExtension.Split('.').ToList();
        if (segments.Count > 0 && string.Equals(segments[0], modelName, StringComparison.OrdinalIgnoreCase))
        {
            segments.RemoveAt(0);
        }

        var words = string.Join("_", segments)
            .Split(['_', '-', '.', ' '], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => !string.Equals(w, "schedule", StringComparison.OrdinalIgnoreCase));
        return string.Join("_", words);
    }

    private static ScheduleValue Normalise(ScheduleValue value, Dictionary<int, string> normalised) => value switch
    {
        ScalarValue scalar when normalised.TryGetValue(scalar.Span.Start, out var name) => scalar with { Text = name },
        SequenceValue list => list with { Items = list.Items.Select(i => Normalise(i, normalised)).ToEquatableArray() },
        MappingValue map => map with
        {
            Entries = map.Entries.Select(e => new MappingEntry((ScalarValue)Normalise(e.Key, normalised), Normalise(e.Value, normalised))).ToEquatableArray(),
        },
        _ => value,
    };

    private static int? Int(ScalarValue? scalar) => scalar is not null && scalar.TryGetInt32(out var value) ? value : null;

    /// <summary>A hash of the path that is the same on every run (string.GetHashCode is randomised).</summary>
    private static string StableHash(string text)
    {
        unchecked
        {
            uint hash = 2166136261;
            foreach (var c in text.Replace('\\', '/'))
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
