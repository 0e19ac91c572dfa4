using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Distiller.Typed.Generators.Helpers;
using Distiller.Typed.Generators.Model;

namespace Distiller.Typed.Generators.Emit;

/// <summary>
/// Writes <c>{Model}Names</c>: a constant per parameter and module name of a <c>[CompressibleModel]</c> class, so
/// schedules built in code get the same safety (<c>AlexNetNames.Parameters.Features0Weight</c>). A name with a
/// run-time index becomes a method taking it (<c>ResNet20Names.Parameters.Layer1Conv1Weight(int index)</c>).
/// </summary>
internal static class ModelNamesEmitter
{
    public static GeneratedSource Emit(ModelShape model)
    {
        using var text = new StringWriter();
        using var writer = new IndentedTextWriter(text, "    ");
        GeneratedFile.Begin(writer, model.Namespace);

        var reference = model.IsAccessible ? $"<see cref=\"{model.FullyQualifiedName}\"/>" : $"<c>{model.ClassName}</c>";
        writer.WriteLine($"/// <summary>The parameter and module names of {reference}, as <c>named_parameters()</c> and <c>named_modules()</c> give them.</summary>");
        writer.WriteLine(GeneratedFile.GeneratedCodeAttribute);
        writer.WriteLine($"{(model.IsPublic ? "public" : "internal")} static partial class {model.Prefix}{model.ClassName}Names");
        writer.WriteLine("{");
        writer.Indent++;
        WriteGroup(writer, "Parameters", "parameter", model.Parameters.Select(p => p.Name));
        writer.WriteLineNoTabs(string.Empty);
        WriteGroup(writer, "Modules", "module", model.Modules.Select(m => m.Name));
        GeneratedFile.End(writer, model.Namespace);
        var hint = (model.Namespace.Length == 0 ? string.Empty : model.Namespace + ".") + model.Prefix + model.ClassName + "Names.g.cs";
        return new GeneratedSource(hint, text.ToString());
    }

    private static void WriteGroup(IndentedTextWriter writer, string className, string kind, IEnumerable<string> names)
    {
        writer.WriteLine($"/// <summary>Every {kind} name.</summary>");
        writer.WriteLine($"public static class {className}");
        writer.WriteLine("{");
        writer.Indent++;
        var used = new HashSet<string>(System.StringComparer.Ordinal) { className };
        foreach (var name in names)
        {
            var segments = name.Split('.');
            var wildcards = segments.Count(s => s is ModuleNode.IndexSegment or ModuleNode.KeySegment);
            var identifier = Identifiers.Unique(Identifiers.Pascal(string.Join("_", segments.Where(s => s is not ModuleNode.IndexSegment and not ModuleNode.KeySegment))), used);
            writer.WriteLine($"/// <summary><c>{name.Replace("<", "&lt;").Replace(">", "&gt;")}</c></summary>");
            if (wildcards == 0)
            {
                writer.WriteLine($"public const string {identifier} = {Identifiers.Literal(name)};");
                continue;
            }

            var parameters = new List<string>();
            var parts = new List<string>();
            foreach (var segment in segments)
            {
                if (segment == ModuleNode.IndexSegment)
                {
                    var parameter = parameters.Count == 0 ? "index" : "index" + (parameters.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    parameters.Add("int " + parameter);
                    parts.Add("\" + " + parameter + ".ToString(global::System.Globalization.CultureInfo.InvariantCulture) + \"");
                }
                else if (segment == ModuleNode.KeySegment)
                {
                    var parameter = parameters.Count == 0 ? "key" : "key" + (parameters.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    parameters.Add("string " + parameter);
                    parts.Add("\" + " + parameter + " + \"");
                }
                else
                {
                    parts.Add(Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(segment, quote: false));
                }
            }

            writer.WriteLine($"public static string {identifier}({string.Join(", ", parameters)}) => \"{string.Join(".", parts)}\";");
        }

        writer.Indent--;
        writer.WriteLine("}");
    }
}
