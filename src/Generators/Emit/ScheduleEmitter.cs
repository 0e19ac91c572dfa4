using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Distiller.Typed.Generators.Helpers;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Generators.Emit;

/// <summary>
/// Writes one schedule's builder: <c>Options</c> (typed, editable values per instance), <c>CreateSpec</c> (the
/// schedule as the runtime's plain data) and <c>Build</c> (the runtime's scheduler for a model). Text only.
/// </summary>
internal static class ScheduleEmitter
{
    private const string Spec = "global::Distiller.Typed.Scheduling.ScheduleSpec";
    private const string ComponentSpec = "global::Distiller.Typed.Scheduling.ComponentSpec";
    private const string PolicySpec = "global::Distiller.Typed.Scheduling.PolicySpec";
    private const string ArgumentMap = "global::Distiller.Typed.Scheduling.ArgumentMap";
    private const string Section = "global::Distiller.Typed.Schedules.ScheduleSection";
    private const string Optimizer = "global::TorchSharp.torch.optim.Optimizer";

    public static GeneratedSource Emit(ScheduleEmitModel model)
    {
        using var text = new StringWriter();
        using var writer = new IndentedTextWriter(text, "    ");
        GeneratedFile.Begin(writer, model.Namespace);

        writer.WriteLine("/// <summary>");
        var reference = model.IsModelAccessible ? $"<see cref=\"{model.ModelType}\"/>" : $"<c>{model.ModelName}</c>";
        writer.WriteLine($"/// The schedule <c>{Escape(model.SchedulePath)}</c>, checked at compile time against {reference}.");
        writer.WriteLine("/// </summary>");
        writer.WriteLine(GeneratedFile.GeneratedCodeAttribute);
        writer.WriteLine($"{(model.IsPublic ? "public" : "internal")} static partial class {model.ClassName}");
        writer.WriteLine("{");
        writer.Indent++;

        writer.WriteLine("/// <summary>The schedule file this class was generated from, relative to the project; run-time errors point into it.</summary>");
        writer.WriteLine($"public const string SchedulePath = {Identifiers.Literal(model.SchedulePath)};");
        writer.WriteLineNoTabs(string.Empty);
        WriteOptions(writer, model);

        if (model.Runtime.HasScheduleSpec)
        {
            writer.WriteLineNoTabs(string.Empty);
            WriteCreateSpec(writer, model);
            if (model.Runtime.FactoryCall is not null && model.IsModelAccessible)
            {
                writer.WriteLineNoTabs(string.Empty);
                WriteBuild(writer, model);
            }

            if (!model.HasErrors)
            {
                writer.WriteLineNoTabs(string.Empty);
                WriteHelpers(writer);
            }
        }

        GeneratedFile.End(writer, model.Namespace);
        return new GeneratedSource(model.HintName, text.ToString());
    }

    private static void WriteOptions(IndentedTextWriter writer, ScheduleEmitModel model)
    {
        writer.WriteLine("/// <summary>The values of every instance the schedule declares; change any before building.</summary>");
        writer.WriteLine("public sealed class Options");
        writer.WriteLine("{");
        writer.Indent++;
        foreach (var instance in model.Instances)
        {
            writer.WriteLine($"/// <summary><c>{Escape(instance.InstanceName)}</c>: {Escape(instance.ClassName)}.</summary>");
            writer.WriteLine($"public {instance.PropertyName}Options {instance.PropertyName} {{ get; }} = new {instance.PropertyName}Options();");
        }

        writer.Indent--;
        writer.WriteLine("}");

        foreach (var instance in model.Instances)
        {
            writer.WriteLineNoTabs(string.Empty);
            writer.WriteLine($"/// <summary>Arguments of <c>{Escape(instance.InstanceName)}</c> ({Escape(instance.ClassName)}).</summary>");
            writer.WriteLine($"public sealed class {instance.PropertyName}Options");
            writer.WriteLine("{");
            writer.Indent++;
            writer.WriteLine($"/// <summary>The class the schedule names.</summary>");
            writer.WriteLine($"public const string ClassName = {Identifiers.Literal(instance.ClassName)};");
            foreach (var option in instance.Options)
            {
                var (type, initializer, _) = ValueEmitter.Describe(option, option.PropertyName);
                writer.WriteLineNoTabs(string.Empty);
                var summary = string.IsNullOrEmpty(option.Summary) ? string.Empty : ": " + Escape(option.Summary!);
                writer.WriteLine($"/// <summary><c>{Escape(option.Key)}</c>{summary}</summary>");
                writer.WriteLine($"public {type} {option.PropertyName} {{ get; set; }} = {initializer};");
            }

            writer.Indent--;
            writer.WriteLine("}");
        }
    }

    private static void WriteCreateSpec(IndentedTextWriter writer, ScheduleEmitModel model)
    {
        writer.WriteLine("/// <summary>The schedule as the runtime's plain data, with <paramref name=\"options\"/> applied.</summary>");
        writer.WriteLine($"public static {Spec} CreateSpec(Options? options = null)");
        writer.WriteLine("{");
        writer.Indent++;
        if (model.HasErrors)
        {
            writer.WriteLine($"throw new global::System.InvalidOperationException({Identifiers.Literal($"The schedule '{model.SchedulePath}' has errors (see the build's DTS diagnostics); it cannot be built.")});");
            writer.Indent--;
            writer.WriteLine("}");
            return;
        }

        writer.WriteLine("options ??= new Options();");
        writer.WriteLine($"var spec = new {Spec}(SchedulePath);");
        foreach (var instance in model.Instances)
        {
            writer.WriteLine($"spec.Add(new {ComponentSpec}(");
            writer.Indent++;
            writer.WriteLine($"{Section}.{instance.Section},");
            writer.WriteLine($"{Identifiers.Literal(instance.InstanceName)},");
            writer.WriteLine($"{instance.PropertyName}Options.ClassName,");
            var lines = new List<string> { $"new {ArgumentMap}(SchedulePath)" };
            foreach (var option in instance.Options)
            {
                var (_, _, toArgument) = ValueEmitter.Describe(option, $"options.{instance.PropertyName}.{option.PropertyName}");
                lines.Add($"    .Add({Identifiers.Literal(option.Key)}, {toArgument}, {ValueEmitter.Span(option.KeySpan)})");
            }

            lines[lines.Count - 1] += ")";
            foreach (var line in lines)
            {
                writer.WriteLine(line);
            }

            writer.Indent--;
            writer.WriteLine($"{{ Span = {ValueEmitter.Span(instance.Span)} }});");
        }

        foreach (var policy in model.Policies)
        {
            var args = $"new {ArgumentMap}(SchedulePath)" + string.Concat(policy.Args.Select(a => $".Add({Identifiers.Literal(a.Key)}, {ValueEmitter.Untyped(a.Value)}, {ValueEmitter.Span(a.KeySpan)})"));
            var epochs = policy.Epochs is null ? "null" : $"new int[] {{ {Identifiers.Join(policy.Epochs.Value.Select(e => e.ToString(System.Globalization.CultureInfo.InvariantCulture)))} }}";
            writer.WriteLine($"spec.Add(new {PolicySpec}(");
            writer.Indent++;
            writer.WriteLine($"{Section}.{policy.Section},");
            writer.WriteLine($"{Identifiers.Literal(policy.InstanceName)},");
            writer.WriteLine($"{args},");
            writer.WriteLine($"{Int(policy.StartingEpoch)}, {Int(policy.EndingEpoch)}, {Int(policy.Frequency)},");
            writer.WriteLine($"{epochs})");
            writer.Indent--;
            writer.WriteLine($"{{ Span = {ValueEmitter.Span(policy.Span)} }});");
        }

        writer.WriteLine("return spec;");
        writer.Indent--;
        writer.WriteLine("}");
    }

    /// <summary>
    /// The one place that writes the call into the runtime (found by <see cref="RuntimeApi"/>): <c>Build</c> takes the model,
    /// the optimizer exactly when the schedule has an LR scheduler or a quantization-aware-training quantizer,
    /// and the options.
    /// </summary>
    private static void WriteBuild(IndentedTextWriter writer, ScheduleEmitModel model)
    {
        var optimizerParameter = model.NeedsOptimizer ? $"{Optimizer} optimizer, " : string.Empty;
        var optimizerArgument = model.NeedsOptimizer ? "optimizer" : "null";
        writer.WriteLine($"/// <summary>Builds the scheduler that runs this schedule on <paramref name=\"model\"/>.</summary>");
        writer.WriteLine($"public static {RuntimeApi.SchedulerType} Build({model.ModelType} model, {optimizerParameter}Options? options = null)");
        writer.WriteLine("{");
        writer.Indent++;
        var call = model.Runtime.FactoryCall!
            .Replace(RuntimeApi.Model, "model")
            .Replace(RuntimeApi.Spec, "CreateSpec(options)")
            .Replace(RuntimeApi.Optimizer, optimizerArgument);
        writer.WriteLine($"return {call};");
        writer.Indent--;
        writer.WriteLine("}");
    }

    private static void WriteHelpers(IndentedTextWriter writer)
    {
        writer.WriteLine("private static global::System.Collections.Generic.List<object?> ToList<T>(global::System.Collections.Generic.IEnumerable<T> values)");
        writer.WriteLine("{");
        writer.Indent++;
        writer.WriteLine("var list = new global::System.Collections.Generic.List<object?>();");
        writer.WriteLine("foreach (var value in values)");
        writer.WriteLine("{");
        writer.Indent++;
        writer.WriteLine("list.Add(value);");
        writer.Indent--;
        writer.WriteLine("}");
        writer.WriteLineNoTabs(string.Empty);
        writer.WriteLine("return list;");
        writer.Indent--;
        writer.WriteLine("}");
        writer.WriteLineNoTabs(string.Empty);
        writer.WriteLine($"private static {ArgumentMap} ToMap<T>(global::System.Collections.Generic.IEnumerable<global::System.Collections.Generic.KeyValuePair<string, T>> values)");
        writer.WriteLine("{");
        writer.Indent++;
        writer.WriteLine($"var map = new {ArgumentMap}(SchedulePath);");
        writer.WriteLine("foreach (var entry in values)");
        writer.WriteLine("{");
        writer.Indent++;
        writer.WriteLine("map.Add(entry.Key, entry.Value);");
        writer.Indent--;
        writer.WriteLine("}");
        writer.WriteLineNoTabs(string.Empty);
        writer.WriteLine("return map;");
        writer.Indent--;
        writer.WriteLine("}");
    }

    private static string Int(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null";

    private static string Escape(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\n", " ").Replace("\r", " ");
}
