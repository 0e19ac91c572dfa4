using System.Linq;
using Distiller.Typed.Catalogue;
using Distiller.Typed.Diagnostics;
using Distiller.Typed.Schedules;

namespace Distiller.Typed.Validation;

/// <summary>
/// Checks when each policy runs, as Distiller's <c>CompressionScheduler.add_policy</c> asserts: either an epoch
/// list or a complete range; whole epochs &gt;= 0; <c>0 &lt;= starting_epoch &lt; ending_epoch</c>;
/// <c>0 &lt; frequency &lt;= ending_epoch − starting_epoch</c>; quantization starting at epoch 0; and, for pruners
/// following the AGP schedule, a range whose AGP span is positive (AgpPruningRate asserts <c>span &gt; 0</c>).
/// </summary>
internal static class PolicyTimingChecks
{
    public static void Check(ValidationContext context)
    {
        foreach (var policy in context.Document.Policies)
        {
            var agp = AgpPruner(context.Document, policy);
            // A timing key the reader dropped for its shape (DTS003) is already reported; do not call it missing too.
            bool readerFoundProblems = context.Diagnostics.Any(d =>
                string.CompareOrdinal(d.Id, "DTS020") < 0 && d.Span.Start >= policy.Span.Start && d.Span.End <= policy.Span.End);
            if (policy.Epochs is { } epochs)
                CheckEpochList(context, policy, epochs, agp);
            else if (policy.StartingEpoch is not null || policy.EndingEpoch is not null || policy.Frequency is not null)
                CheckRange(context, policy, agp, reportMissing: !readerFoundProblems);
            else if (!readerFoundProblems)
                context.Report(ScheduleDiagnosticDescriptors.MissingTiming, policy.SectionKey.Span);
        }
    }

    private static void CheckEpochList(ValidationContext context, PolicyDefinition policy, SequenceValue epochs, ComponentDescriptor? agp)
    {
        foreach (var key in new[] { policy.StartingEpoch, policy.EndingEpoch, policy.Frequency })
        {
            if (key is not null)
                context.Report(ScheduleDiagnosticDescriptors.MixedTimingForms, key.Span, RangeKeyName(policy, key));
        }
        if (epochs.Items.Count == 0)
        {
            context.Report(ScheduleDiagnosticDescriptors.EmptyEpochList, epochs.Span);
            return;
        }
        var seen = new System.Collections.Generic.HashSet<int>();
        for (int i = 0; i < epochs.Items.Count; i++)
        {
            if (Epoch(context, $"'epochs'[{i}]", epochs.Items[i]) is { } epoch && !seen.Add(epoch))
                context.Report(ScheduleDiagnosticDescriptors.RepeatedEpoch, epochs.Items[i].Span, epoch);
        }
        if (policy.Section == ScheduleSection.Quantizers && epochs.Items[0] is ScalarValue first && first.TryGetInt32(out var start) && start != 0)
            context.Report(ScheduleDiagnosticDescriptors.QuantizationNotAtEpochZero, first.Span, first.Text);
        if (agp is not null)
            context.Report(ScheduleDiagnosticDescriptors.AgpNeedsRange, epochs.Span, policy.InstanceName!.Text, agp.ClassName);
    }

    private static void CheckRange(ValidationContext context, PolicyDefinition policy, ComponentDescriptor? agp, bool reportMissing)
    {
        if (reportMissing)
        {
            if (policy.StartingEpoch is null)
                context.Report(ScheduleDiagnosticDescriptors.IncompleteRange, policy.SectionKey.Span, "starting_epoch");
            if (policy.EndingEpoch is null)
                context.Report(ScheduleDiagnosticDescriptors.IncompleteRange, policy.SectionKey.Span, "ending_epoch");
            if (policy.Frequency is null)
                context.Report(ScheduleDiagnosticDescriptors.IncompleteRange, policy.SectionKey.Span, "frequency");
        }

        int? start = policy.StartingEpoch is { } s ? Epoch(context, "starting_epoch", s) : null;
        int? end = policy.EndingEpoch is { } e ? Epoch(context, "ending_epoch", e) : null;
        int? frequency = null;
        if (policy.Frequency is { } f)
        {
            if (!f.TryGetInt32(out var value))
                context.Report(ScheduleDiagnosticDescriptors.InvalidEpoch, f.Span, "frequency", f.Text);
            else if (value <= 0)
                context.Report(ScheduleDiagnosticDescriptors.FrequencyNotPositive, f.Span, f.Text);
            else
                frequency = value;
        }

        if (policy.Section == ScheduleSection.Quantizers && start is { } quantStart && quantStart != 0)
            context.Report(ScheduleDiagnosticDescriptors.QuantizationNotAtEpochZero, policy.StartingEpoch!.Span, policy.StartingEpoch.Text);

        if (start is not { } first || end is not { } last)
            return;
        if (first >= last)
        {
            context.Report(ScheduleDiagnosticDescriptors.StartNotBeforeEnd, policy.StartingEpoch!.Span, first, last);
            return;
        }
        if (frequency is not { } step)
            return;
        if (step > last - first)
        {
            context.Report(ScheduleDiagnosticDescriptors.FrequencyLargerThanSpan, policy.Frequency!.Span, step, last - first);
            return;
        }
        int span = AgpSpan.Of(first, last, step);
        if (agp is not null && span <= 0)
            context.Report(ScheduleDiagnosticDescriptors.AgpSpanNotPositive, policy.EndingEpoch!.Span,
                policy.InstanceName!.Text, agp.ClassName, last, first, step, span);
    }

    /// <summary>The epoch's value when it is a whole number &gt;= 0; otherwise reports it and returns null.</summary>
    private static int? Epoch(ValidationContext context, string what, ScheduleValue value)
    {
        if (value is ScalarValue scalar && scalar.TryGetInt32(out var epoch) && epoch >= 0)
            return epoch;
        var text = value is ScalarValue s ? s.Text : value.Shape;
        context.Report(ScheduleDiagnosticDescriptors.InvalidEpoch, value.Span, what, text);
        return null;
    }

    private static string RangeKeyName(PolicyDefinition policy, ScalarValue key) =>
        ReferenceEquals(key, policy.StartingEpoch) ? "starting_epoch" : ReferenceEquals(key, policy.EndingEpoch) ? "ending_epoch" : "frequency";

    private static ComponentDescriptor? AgpPruner(ScheduleDocument document, PolicyDefinition policy)
    {
        if (policy.Section != ScheduleSection.Pruners || policy.InstanceName is not { } name
            || document.FindComponent(policy.Section, name.Text) is not { ClassName: { } className }
            || !ComponentCatalogue.TryFind(className, out var descriptor) || !descriptor.UsesAgpSchedule)
            return null;
        return descriptor;
    }
}
