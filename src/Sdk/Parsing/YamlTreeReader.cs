using System;
using System.Collections.Generic;
using System.IO;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Distiller.Typed.Parsing;

/// <summary>
/// Reads YAML text into <see cref="ScheduleValue"/> trees with source positions. Aliases are expanded against a
/// node budget, so a billion-laughs file becomes a diagnostic rather than a hang; duplicate keys and complex
/// keys are reported; syntax errors are reported at their position. Never throws on bad input.
/// </summary>
internal sealed class YamlTreeReader
{
    public const int MaxExpandedNodes = 20_000;
    public const int MaxDepth = 64;

    private readonly string _path;
    private readonly List<ScheduleDiagnostic> _diagnostics;
    private readonly Dictionary<string, (ScheduleValue Value, int Size)> _anchors = new(StringComparer.Ordinal);
    private IParser _parser = null!;
    private int _nodes;

    private YamlTreeReader(string path, List<ScheduleDiagnostic> diagnostics)
    {
        _path = path;
        _diagnostics = diagnostics;
    }

    /// <summary>Returns the first document's root, or null when the text is empty or unreadable.</summary>
    public static ScheduleValue? Read(string text, string path, List<ScheduleDiagnostic> diagnostics) =>
        new YamlTreeReader(path, diagnostics).ReadRoot(text);

    private ScheduleValue? ReadRoot(string text)
    {
        _parser = new Parser(new StringReader(text));
        try
        {
            _parser.Consume<StreamStart>();
            if (_parser.Accept<StreamEnd>(out _))
                return null;
            _parser.Consume<DocumentStart>();
            var root = ReadNode(0);
            _parser.Consume<DocumentEnd>();
            if (_parser.Accept<DocumentStart>(out var next))
                Report(ScheduleDiagnosticDescriptors.MultipleDocuments, Span(next.Start, next.End));
            return root;
        }
        catch (YamlException e)
        {
            Report(ScheduleDiagnosticDescriptors.YamlSyntaxError, Span(e.Start, e.End), Describe(e));
        }
        catch (BudgetExceeded)
        {
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this (not a YamlException) when the lines of a flow collection written
            // over several lines are indented no deeper than the key that owns it — PyYAML accepts that, YAML 1.2
            // does not. Report it where the reader got to, with the fix, never crash.
            var at = _parser.Current is { } current ? Span(current.Start, current.End) : SourceSpan.FileStart;
            Report(ScheduleDiagnosticDescriptors.YamlSyntaxError, at,
                "the YAML reader failed after this point; if a '[' or '{' list continues on the next lines, indent those lines deeper than its key (" + e.Message + ")");
        }
        return null;
    }

    private ScheduleValue ReadNode(int depth)
    {
        if (depth > MaxDepth)
        {
            var current = _parser.Current!;
            Report(ScheduleDiagnosticDescriptors.NestingTooDeep, Span(current.Start, current.End), MaxDepth);
            throw new BudgetExceeded();
        }
        Count(1, _parser.Current!);
        switch (_parser.Current)
        {
            case Scalar scalar:
            {
                _parser.MoveNext();
                var value = new ScalarValue(scalar.Value, scalar.Style == ScalarStyle.Plain, Span(scalar.Start, scalar.End));
                Remember(scalar.Anchor, value, 1);
                return value;
            }
            case AnchorAlias alias:
            {
                _parser.MoveNext();
                if (!_anchors.TryGetValue(alias.Value.Value, out var anchored))
                    throw new YamlException(alias.Start, alias.End, $"The alias '*{alias.Value.Value}' names no anchor defined before it.");
                Count(anchored.Size, alias);
                return anchored.Value;
            }
            case SequenceStart start:
            {
                int before = _nodes;
                _parser.MoveNext();
                var items = new List<ScheduleValue>();
                while (!_parser.Accept<SequenceEnd>(out _))
                    items.Add(ReadNode(depth + 1));
                var end = _parser.Consume<SequenceEnd>();
                var value = new SequenceValue(items.ToEquatableArray(), Span(start.Start, end.End));
                Remember(start.Anchor, value, _nodes - before);
                return value;
            }
            case MappingStart start:
            {
                int before = _nodes;
                _parser.MoveNext();
                var entries = new List<MappingEntry>();
                var seen = new Dictionary<string, ScalarValue>(StringComparer.Ordinal);
                while (!_parser.Accept<MappingEnd>(out _))
                {
                    var key = ReadNode(depth + 1);
                    var value = ReadNode(depth + 1);
                    if (key is not ScalarValue scalarKey)
                    {
                        Report(ScheduleDiagnosticDescriptors.NonScalarKey, key.Span, key.Shape);
                        continue;
                    }
                    if (seen.TryGetValue(scalarKey.Text, out var first))
                    {
                        Report(ScheduleDiagnosticDescriptors.DuplicateKey, scalarKey.Span, scalarKey.Text, first.Span.Line);
                        continue;
                    }
                    seen.Add(scalarKey.Text, scalarKey);
                    entries.Add(new MappingEntry(scalarKey, value));
                }
                var end = _parser.Consume<MappingEnd>();
                var mapping = new MappingValue(entries.ToEquatableArray(), Span(start.Start, end.End));
                Remember(start.Anchor, mapping, _nodes - before);
                return mapping;
            }
            default:
            {
                var current = _parser.Current!;
                throw new YamlException(current.Start, current.End, $"Unexpected {current.GetType().Name}.");
            }
        }
    }

    private void Remember(AnchorName anchor, ScheduleValue value, int size)
    {
        if (!anchor.IsEmpty)
            _anchors[anchor.Value] = (value, Math.Max(size, 1));
    }

    private void Count(int nodes, ParsingEvent at)
    {
        _nodes += nodes;
        if (_nodes > MaxExpandedNodes)
        {
            Report(ScheduleDiagnosticDescriptors.AliasExpansionLimit, Span(at.Start, at.End), MaxExpandedNodes);
            throw new BudgetExceeded();
        }
    }

    private void Report(DiagnosticDescriptor descriptor, SourceSpan span, params object?[] arguments) =>
        _diagnostics.Add(ScheduleDiagnostic.Create(descriptor, _path, span, arguments));

    private static string Describe(YamlException e)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (…): "; the position is in the span already.
        var message = e.Message;
        int cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line:", StringComparison.Ordinal) && cut >= 0)
            message = message.Substring(cut + 3);
        return message.Trim();
    }

    internal static SourceSpan Span(Mark start, Mark end)
    {
        int from = (int)start.Index;
        int to = Math.Max(from, (int)end.Index);
        return new SourceSpan(from, to - from, (int)Math.Max(1, start.Line), (int)Math.Max(1, start.Column),
            (int)Math.Max(1, end.Line), (int)Math.Max(1, end.Column));
    }

    private sealed class BudgetExceeded : Exception
    {
    }
}
