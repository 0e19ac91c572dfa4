using System.Collections.Generic;
using System.Linq;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;
using Distiller.Typed.Text;

namespace Distiller.Typed.Parsing;

/// <summary>
/// Turns a YAML tree into a <see cref="ScheduleDocument"/>, reporting every structural problem (unknown
/// sections and policy keys, wrong shapes, components without a class, policies naming no instance) and
/// keeping whatever is well-formed, so one mistake does not hide the rest of the file.
/// </summary>
internal sealed class ScheduleDocumentReader
{
    private const string VersionKey = "version";
    private const string ModelKey = "model";
    private const string PoliciesKey = "policies";
    private static readonly string[] TimingKeys = { "starting_epoch", "ending_epoch", "frequency", "epochs" };
    private static readonly string[] InstanceKeys = { "instance_name", "args" };

    private readonly string _path;
    private readonly List<ScheduleDiagnostic> _diagnostics;

    private ScheduleDocumentReader(string path, List<ScheduleDiagnostic> diagnostics)
    {
        _path = path;
        _diagnostics = diagnostics;
    }

    public static IEnumerable<string> TopLevelKeys =>
        new[] { VersionKey, ModelKey }.Concat(ScheduleSections.All.Select(s => s.YamlKey())).Concat(new[] { PoliciesKey });

    public static ScheduleDocument Read(ScheduleValue? root, string path, List<ScheduleDiagnostic> diagnostics) =>
        new ScheduleDocumentReader(path, diagnostics).ReadDocument(root);

    private ScheduleDocument ReadDocument(ScheduleValue? root)
    {
        if (root is null || root is ScalarValue { IsNull: true })
            return ScheduleDocument.Empty(_path);
        if (root is not MappingValue mapping)
        {
            WrongShape(root, "The schedule", "mapping of sections (pruners:, policies:, …)");
            return ScheduleDocument.Empty(_path);
        }

        ScalarValue? version = null, model = null;
        var components = new List<ComponentDefinition>();
        var policies = new List<PolicyDefinition>();
        foreach (var entry in mapping.Entries)
        {
            var key = entry.Key.Text;
            if (key == VersionKey)
            {
                version = Scalar(entry.Value, "'version'");
                if (version is not null && !(version.TryGetInt32(out var v) && v == 1))
                    Report(ScheduleDiagnosticDescriptors.UnsupportedVersion, version.Span, version.Text);
            }
            else if (key == ModelKey)
                model = Scalar(entry.Value, "'model'");
            else if (key == PoliciesKey)
                ReadPolicies(entry.Value, policies);
            else if (ScheduleSections.TryFromYamlKey(key, out var section))
                ReadSection(section, entry.Value, components);
            else
                Report(ScheduleDiagnosticDescriptors.UnknownSection, entry.Key.Span, key,
                    NearestNames.DidYouMean(key, TopLevelKeys), Quoted(TopLevelKeys));
        }
        return new ScheduleDocument(_path, version, model, components.ToEquatableArray(), policies.ToEquatableArray());
    }

    private void ReadSection(ScheduleSection section, ScheduleValue value, List<ComponentDefinition> components)
    {
        if (value is ScalarValue { IsNull: true })
            return;
        if (value is not MappingValue instances)
        {
            WrongShape(value, $"'{section.YamlKey()}'", "mapping of instance names to their class and arguments");
            return;
        }
        foreach (var instance in instances.Entries)
        {
            if (instance.Value is not MappingValue body)
            {
                WrongShape(instance.Value, $"'{instance.Key.Text}' in '{section.YamlKey()}'", "mapping with a 'class' key and the class's arguments");
                continue;
            }
            ScalarValue? classValue = null;
            var arguments = new List<MappingEntry>();
            foreach (var argument in body.Entries)
            {
                if (argument.Key.Text == "class")
                    classValue = Scalar(argument.Value, $"The class of '{instance.Key.Text}'");
                else
                    arguments.Add(argument);
            }
            if (classValue is null && body.Find("class") is null)
                Report(ScheduleDiagnosticDescriptors.MissingClass, instance.Key.Span, instance.Key.Text, section.YamlKey());
            components.Add(new ComponentDefinition(section, instance.Key, classValue, arguments.ToEquatableArray(),
                Union(instance.Key.Span, body.Span)));
        }
    }

    private void ReadPolicies(ScheduleValue value, List<PolicyDefinition> policies)
    {
        if (value is ScalarValue { IsNull: true })
            return;
        if (value is not SequenceValue list)
        {
            WrongShape(value, "'policies'", "list of policies ('- pruner: …')");
            return;
        }
        foreach (var item in list.Items)
        {
            if (item is not MappingValue policy)
            {
                WrongShape(item, "A policy", "mapping such as '{ pruner: { instance_name: … }, starting_epoch: 0, ending_epoch: 10, frequency: 2 }'");
                continue;
            }
            var read = ReadPolicy(policy);
            if (read is not null)
                policies.Add(read);
        }
    }

    private PolicyDefinition? ReadPolicy(MappingValue policy)
    {
        var named = new List<(ScheduleSection Section, MappingEntry Entry)>();
        var timing = new Dictionary<string, ScheduleValue>();
        var validKeys = ScheduleSections.All.Select(s => s.PolicyKey()).Concat(TimingKeys).ToArray();
        foreach (var entry in policy.Entries)
        {
            if (ScheduleSections.TryFromPolicyKey(entry.Key.Text, out var section))
                named.Add((section, entry));
            else if (TimingKeys.Contains(entry.Key.Text))
                timing[entry.Key.Text] = entry.Value;
            else
                Report(ScheduleDiagnosticDescriptors.UnknownPolicyKey, entry.Key.Span, entry.Key.Text,
                    NearestNames.DidYouMean(entry.Key.Text, validKeys), Quoted(validKeys));
        }

        var instanceKinds = Quoted(ScheduleSections.All.Select(s => s.PolicyKey()));
        if (named.Count != 1)
        {
            var found = named.Count == 0 ? "none" : Quoted(named.Select(n => n.Entry.Key.Text));
            Report(ScheduleDiagnosticDescriptors.PolicyWithoutInstance, named.Count == 0 ? policy.Span : named[1].Entry.Key.Span, instanceKinds, found);
            if (named.Count == 0)
                return null;
        }

        var (kind, instanceEntry) = named[0];
        ScalarValue? instanceName = null;
        MappingValue? args = null;
        if (instanceEntry.Value is MappingValue instance)
        {
            var nested = new List<ScalarValue>();
            foreach (var entry in instance.Entries)
            {
                switch (entry.Key.Text)
                {
                    case "instance_name":
                        instanceName = Scalar(entry.Value, "'instance_name'");
                        break;
                    case "args":
                        if (entry.Value is MappingValue argsMapping)
                            args = argsMapping;
                        else if (entry.Value is not ScalarValue { IsNull: true })
                            WrongShape(entry.Value, $"The policy's '{instanceEntry.Key.Text}' args", "mapping of argument names to values");
                        break;
                    default:
                        // The reference document's quantization example nests the timing keys here.
                        if (TimingKeys.Contains(entry.Key.Text) && !timing.ContainsKey(entry.Key.Text))
                        {
                            timing[entry.Key.Text] = entry.Value;
                            nested.Add(entry.Key);
                        }
                        else
                            Report(ScheduleDiagnosticDescriptors.UnknownInstanceKey, entry.Key.Span, entry.Key.Text, instanceEntry.Key.Text,
                                NearestNames.DidYouMean(entry.Key.Text, InstanceKeys.Concat(TimingKeys)), Quoted(InstanceKeys));
                        break;
                }
            }
            if (nested.Count > 0)
                Report(ScheduleDiagnosticDescriptors.NestedTiming, nested[0].Span, Quoted(nested.Select(k => k.Text)), instanceEntry.Key.Text);
            if (instanceName is null && instance.Find("instance_name") is null)
                Report(ScheduleDiagnosticDescriptors.MissingInstanceName, instanceEntry.Key.Span, instanceEntry.Key.Text);
        }
        else
        {
            WrongShape(instanceEntry.Value, $"The policy's '{instanceEntry.Key.Text}'", "mapping with 'instance_name' (and optional 'args')");
        }

        return new PolicyDefinition(kind, instanceEntry.Key, instanceName, args,
            TimingScalar(timing, "starting_epoch"), TimingScalar(timing, "ending_epoch"), TimingScalar(timing, "frequency"),
            TimingList(timing), policy.Span);
    }

    private ScalarValue? TimingScalar(Dictionary<string, ScheduleValue> timing, string key) =>
        timing.TryGetValue(key, out var value) ? Scalar(value, $"'{key}'") : null;

    private SequenceValue? TimingList(Dictionary<string, ScheduleValue> timing)
    {
        if (!timing.TryGetValue("epochs", out var value))
            return null;
        if (value is SequenceValue list)
            return list;
        WrongShape(value, "'epochs'", "list of epoch numbers such as [0, 2, 4]");
        return null;
    }

    private ScalarValue? Scalar(ScheduleValue value, string what)
    {
        if (value is ScalarValue scalar)
            return scalar;
        WrongShape(value, what, "scalar");
        return null;
    }

    private void WrongShape(ScheduleValue value, string what, string expected) =>
        Report(ScheduleDiagnosticDescriptors.WrongShape, value.Span, what, expected, value.Shape);

    private void Report(ScheduleDiagnosticDescriptor descriptor, SourceSpan span, params object?[] arguments) =>
        _diagnostics.Add(ScheduleDiagnostic.Create(descriptor, _path, span, arguments));

    private static string Quoted(IEnumerable<string> names) => string.Join(", ", names.Select(n => "'" + n + "'"));

    private static SourceSpan Union(SourceSpan first, SourceSpan last) =>
        new(first.Start, last.End - first.Start, first.Line, first.Column, last.EndLine, last.EndColumn);
}
