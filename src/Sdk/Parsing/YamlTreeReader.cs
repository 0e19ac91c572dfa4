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
/// node budget, so a billion-laughs file becomes a diagnostic rather than a hang, and the document itself has a
/// (much larger) size budget; duplicate keys and complex keys are reported; syntax errors are reported at their
/// position (a tab in the indentation at the tab, an unclosed '[' or '{' at the bracket). Never throws on bad input.
/// </summary>
internal sealed class YamlTreeReader
{
    /// <summary>Nodes that aliases may add by expansion.</summary>
    public const int MaxExpandedNodes = 20_000;
    /// <summary>Nodes written in the file (a schedule names at most a few thousand parameters).</summary>
    public const int MaxNodes = 100_000;
    public const int MaxDepth = 64;

    private readonly string _path;
    private readonly List<ScheduleDiagnostic> _diagnostics;
    private readonly Dictionary<string, (ScheduleValue Value, int Size)> _anchors = new(StringComparer.Ordinal);
    private readonly Stack<(Mark Start, char Bracket)> _openFlows = new();
    private IParser _parser = null!;
    private string _text = "";
    private int _nodes;
    private int _expanded;

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
        _text = text;
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
        catch (YamlException e) when (Describe(e).IndexOf("tab", StringComparison.OrdinalIgnoreCase) >= 0 && IndentingTab((int)e.Start.Line) is { } tab)
        {
            // YamlDotNet may place this at the start of the file or the end of the line before; point at the tab.
            Report(ScheduleDiagnosticDescriptors.YamlSyntaxError, tab, "a tab indents this line; YAML indents with spaces only (" + Describe(e) + ")");
        }
        catch (YamlException e)
        {
            var unclosed = _openFlows.Count > 0 ? _openFlows.Peek() : default;
            Report(ScheduleDiagnosticDescriptors.YamlSyntaxError, Span(e.Start, e.End), Describe(e) +
                (_openFlows.Count > 0 ? $" (the '{unclosed.Bracket}' on line {unclosed.Start.Line}, column {unclosed.Start.Column} is not closed)" : ""));
        }
        catch (BudgetExceeded)
        {
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (not a YamlException, and with a message about its own state) when a
            // '[' or '{' is left open at the end of its line and the next lines are indented no deeper than its key:
            // either the bracket is never closed or, as PyYAML accepts and YAML 1.2 does not, the list continues
            // there. Report it at the bracket, with both fixes.
            if (_openFlows.Count > 0)
            {
                var (start, bracket) = _openFlows.Peek();
                var closing = bracket == '[' ? ']' : '}';
                Report(ScheduleDiagnosticDescriptors.YamlSyntaxError, Span(start, start),
                    $"the '{bracket}' here is not closed where the YAML reader expects it: close it with '{closing}', or, if it continues on the next lines, indent those lines deeper than its key");
            }
            else
            {
                var at = _parser.Current is { } current ? Span(current.Start, current.End) : SourceSpan.FileStart;
                Report(ScheduleDiagnosticDescriptors.YamlSyntaxError, at, "the YAML reader cannot read on from here; check the indentation of this line and the next");
            }
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
                Count(anchored.Size, alias, expansion: true);
                return anchored.Value;
            }
            case SequenceStart start:
            {
                int before = _nodes;
                if (start.Style == SequenceStyle.Flow)
                    _openFlows.Push((start.Start, '['));
                _parser.MoveNext();
                var items = new List<ScheduleValue>();
                while (!_parser.Accept<SequenceEnd>(out _))
                    items.Add(ReadNode(depth + 1));
                if (start.Style == SequenceStyle.Flow)
                    _openFlows.Pop(); // before consuming: moving past the end reads the next token, which may fail
                var end = _parser.Consume<SequenceEnd>();
                var value = new SequenceValue(items.ToEquatableArray(), Span(start.Start, end.End));
                Remember(start.Anchor, value, _nodes - before);
                return value;
            }
            case MappingStart start:
            {
                int before = _nodes;
                if (start.Style == MappingStyle.Flow)
                    _openFlows.Push((start.Start, '{'));
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
                if (start.Style == MappingStyle.Flow)
                    _openFlows.Pop(); // before consuming: moving past the end reads the next token, which may fail
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

    private void Count(int nodes, ParsingEvent at, bool expansion = false)
    {
        _nodes += nodes;
        if (expansion)
            _expanded += nodes;
        if (_expanded > MaxExpandedNodes)
        {
            Report(ScheduleDiagnosticDescriptors.AliasExpansionLimit, Span(at.Start, at.End), MaxExpandedNodes);
            throw new BudgetExceeded();
        }
        if (_nodes - _expanded > MaxNodes)
        {
            Report(ScheduleDiagnosticDescriptors.DocumentTooLarge, Span(at.Start, at.End), MaxNodes);
            throw new BudgetExceeded();
        }
    }

    /// <summary>The first tab in the leading whitespace of a line, from the line before <paramref name="fromLine"/> on (or anywhere).</summary>
    private SourceSpan? IndentingTab(int fromLine)
    {
        SourceSpan? first = null;
        int line = 1, lineStart = 0;
        while (lineStart <= _text.Length)
        {
            int i = lineStart;
            while (i < _text.Length && (_text[i] == ' ' || _text[i] == '\t'))
            {
                if (_text[i] == '\t')
                {
                    var span = new SourceSpan(i, 1, line, i - lineStart + 1, line, i - lineStart + 2);
                    if (line >= fromLine - 1)
                        return span;
                    first ??= span;
                    break;
                }
                i++;
            }
            int next = _text.IndexOf('\n', lineStart);
            if (next < 0)
                break;
            lineStart = next + 1;
            line++;
        }
        return first;
    }

    private void Report(ScheduleDiagnosticDescriptor descriptor, SourceSpan span, params object?[] arguments) =>
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
