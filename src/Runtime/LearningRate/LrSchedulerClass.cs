using Distiller.Typed.Catalogue;
using Distiller.Typed.Schedules;
using Distiller.Typed.Text;

namespace Distiller.Typed.LearningRate;

/// <summary>
/// The LR-scheduler class a schedule's <c>class:</c> value means, looked up in <see cref="ComponentCatalogue"/> (the one
/// table of classes and arguments): its descriptor, the <see cref="ComponentVariant"/> the arguments select where two
/// classes share the name (PolynomialLR), and the constructor arguments it therefore takes.
/// </summary>
/// <remarks>
/// <para><b>Names.</b> The plain name (<c>StepLR</c>) or the qualified one (<c>torch.optim.lr_scheduler.StepLR</c>,
/// <c>distiller.learning_rate.MultiStepMultiGammaLR</c>); the qualified names of PolynomialLR's variants pick one explicitly.</para>
/// <para><b>PolynomialLR.</b> An argument <c>T_max</c> selects Distiller's <c>(T_max, power)</c>, <c>total_iters</c> torch's
/// <c>(total_iters, power)</c>, both at once is an error, neither is torch's with its defaults (see <see cref="ComponentVariant"/>).</para>
/// <para><b>last_epoch.</b> The catalogue leaves it out (Distiller's loader supplies it as the resumed epoch); every class
/// takes it except torch's <c>ReduceLROnPlateau</c>, whose constructor has none.</para>
/// </remarks>
public sealed class LrSchedulerClass
{
    /// <summary>The loader-supplied argument: the index of the last completed epoch, −1 for a fresh start.</summary>
    public const string LastEpochArgument = "last_epoch";

    private const string TorchPrefix = "torch.optim.lr_scheduler.";
    private const string DistillerPrefix = "distiller.learning_rate.";

    /// <summary>torch's schedulers whose constructor has no <c>last_epoch</c>.</summary>
    private static readonly HashSet<string> WithoutLastEpoch = new(StringComparer.Ordinal) { "ReduceLROnPlateau" };

    private LrSchedulerClass(ComponentDescriptor descriptor, ComponentVariant? variant)
    {
        Descriptor = descriptor;
        Variant = variant;
        QualifiedName = variant?.QualifiedName ?? (IsDistillerSource(descriptor) ? DistillerPrefix : TorchPrefix) + descriptor.ClassName;
        Parameters = variant is null ? descriptor.Parameters.ToArray() : variant.Parameters.ToArray();
        TakesLastEpoch = !WithoutLastEpoch.Contains(descriptor.ClassName);
        ArgumentNames = ConstructorOrder(Parameters.Select(p => p.Name), TakesLastEpoch);
    }

    public ComponentDescriptor Descriptor { get; }

    /// <summary>The variant the arguments selected; null for a class with one meaning.</summary>
    public ComponentVariant? Variant { get; }

    public string ClassName => Descriptor.ClassName;

    /// <summary><c>torch.optim.lr_scheduler.StepLR</c>, <c>distiller.learning_rate.PolynomialLR</c>, …</summary>
    public string QualifiedName { get; }

    /// <summary>The catalogue's arguments of this class (of its variant, where it has one).</summary>
    public IReadOnlyList<ParameterDescriptor> Parameters { get; }

    public bool TakesLastEpoch { get; }

    /// <summary>Every argument name the constructor takes, in PyTorch's order (<c>last_epoch</c> before <c>verbose</c>).</summary>
    public IReadOnlyList<string> ArgumentNames { get; }

    public ParameterDescriptor? Parameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);

    /// <summary>"LR scheduler StepLR (torch.optim.lr_scheduler.StepLR)", for messages.</summary>
    public override string ToString() => $"LR scheduler {ClassName} ({QualifiedName})";

    /// <summary>
    /// The class <paramref name="className"/> means with these argument names. Throws <see cref="ArgumentException"/> for
    /// an unknown name (with the nearest and the valid ones), a class that cannot come from YAML (with the reason), or
    /// arguments that select two variants at once.
    /// </summary>
    public static LrSchedulerClass Resolve(string className, IEnumerable<string> argumentNames)
    {
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(argumentNames);
        var names = argumentNames.ToList();

        var plain = className.StartsWith(TorchPrefix, StringComparison.Ordinal) ? className[TorchPrefix.Length..]
            : className.StartsWith(DistillerPrefix, StringComparison.Ordinal) ? className[DistillerPrefix.Length..]
            : className;
        if (ComponentCatalogue.FindUnsupported(plain) is { Section: ScheduleSection.LrSchedulers } unsupported)
            throw new ArgumentException($"LR scheduler '{className}' cannot be used in a schedule: {unsupported.Reason}.", nameof(className));
        if (!ComponentCatalogue.TryFind(plain, out var descriptor) || descriptor.Section != ScheduleSection.LrSchedulers)
            throw Unknown(className, plain);

        if (plain != className)
        {
            if (!descriptor.Variants.IsEmpty)
                return new LrSchedulerClass(descriptor, descriptor.Variants.FirstOrDefault(v => v.QualifiedName == className) ?? throw Unknown(className, plain));
            var resolved = new LrSchedulerClass(descriptor, null);
            return resolved.QualifiedName == className ? resolved : throw Unknown(className, plain);
        }

        if (descriptor.Variants.IsEmpty)
            return new LrSchedulerClass(descriptor, null);
        var variant = descriptor.SelectVariant(names);
        if (variant is null)
        {
            var selecting = descriptor.Variants.Where(v => names.Contains(v.SelectedBy, StringComparer.Ordinal))
                .Select(v => $"'{v.SelectedBy}' ({v.QualifiedName}: {string.Join(", ", v.Parameters.Select(p => p.Name))})");
            throw new ArgumentException(
                $"{className} was given both {string.Join(" and ", selecting)}; give one of them.", nameof(argumentNames));
        }
        return new LrSchedulerClass(descriptor, variant);
    }

    /// <summary>The LR-scheduler classes a schedule may name.</summary>
    public static IEnumerable<string> SupportedClassNames =>
        ComponentCatalogue.InSection(ScheduleSection.LrSchedulers).Select(d => d.ClassName);

    private static bool IsDistillerSource(ComponentDescriptor descriptor) => descriptor.Source.StartsWith("distiller/", StringComparison.Ordinal);

    private static IReadOnlyList<string> ConstructorOrder(IEnumerable<string> parameters, bool takesLastEpoch)
    {
        var names = parameters.ToList();
        if (takesLastEpoch)
        {
            // torch's signatures end in (…, last_epoch=-1, verbose=…); Distiller's in (…, last_epoch=-1).
            var verbose = names.IndexOf("verbose");
            names.Insert(verbose < 0 ? names.Count : verbose, LastEpochArgument);
        }
        return names;
    }

    private static ArgumentException Unknown(string className, string plain)
    {
        var supported = SupportedClassNames.ToList();
        var caseOnly = supported.FirstOrDefault(n => string.Equals(n, plain, StringComparison.OrdinalIgnoreCase));
        var hint = caseOnly is not null && caseOnly != plain
            ? $" Did you mean '{caseOnly}'? Class names are case-sensitive."
            : NearestNames.Find(plain, supported) is { Count: > 0 } nearest
                ? $" Did you mean {string.Join(" or ", nearest.Select(n => $"'{n}'"))}?"
                : "";
        return new ArgumentException($"Unknown LR scheduler class '{className}'.{hint} Valid classes: {string.Join(", ", supported)}.", nameof(className));
    }
}
