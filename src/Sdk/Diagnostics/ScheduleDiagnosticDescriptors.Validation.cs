namespace Distiller.Typed.Diagnostics;

public static partial class ScheduleDiagnosticDescriptors
{
    private const string Policies = "Distiller.Schedule.Policies";
    private const string Components = "Distiller.Schedule.Components";
    private const string Arguments = "Distiller.Schedule.Arguments";

    public static readonly ScheduleDiagnosticDescriptor UnknownInstance = new(
        "DTS020", "Policy names an undeclared instance", "The policy's {0} '{1}' is not declared in '{2}' ({3}){4}", ScheduleDiagnosticSeverity.Error, Policies);

    // Classes (DTS021–DTS023).
    public static readonly ScheduleDiagnosticDescriptor UnknownClass = new(
        "DTS021", "Unknown class", "Unknown {0} class '{1}'{2}; valid classes are {3}", ScheduleDiagnosticSeverity.Error, Components);

    public static readonly ScheduleDiagnosticDescriptor ClassInWrongSection = new(
        "DTS022", "Class declared in the wrong section", "'{0}' is a class of '{1}', not of '{2}'; declare '{3}' under '{1}'", ScheduleDiagnosticSeverity.Error, Components);

    public static readonly ScheduleDiagnosticDescriptor UnsupportedClass = new(
        "DTS023", "Class not supported", "'{0}' cannot be used in a schedule: {1}", ScheduleDiagnosticSeverity.Error, Components);

    // Arguments (DTS024–DTS039).
    public static readonly ScheduleDiagnosticDescriptor UnknownArgument = new(
        "DTS024", "Unknown argument", "{0} has no argument '{1}'{2}; valid arguments are {3}", ScheduleDiagnosticSeverity.Error, Arguments);

    public static readonly ScheduleDiagnosticDescriptor MissingArgument = new(
        "DTS025", "Missing required argument", "{0} needs the argument '{1}' ({2}: {3})", ScheduleDiagnosticSeverity.Error, Arguments);

    public static readonly ScheduleDiagnosticDescriptor WrongArgumentType = new(
        "DTS026", "Argument of the wrong type", "{0} must be a {1}, but is a {2}{3}", ScheduleDiagnosticSeverity.Error, Arguments);

    public static readonly ScheduleDiagnosticDescriptor ValueOutOfRange = new(
        "DTS027", "Value out of range", "{0} is {1}; it must be {2}", ScheduleDiagnosticSeverity.Error, Arguments);

    public static readonly ScheduleDiagnosticDescriptor ValueNotAllowed = new(
        "DTS028", "Value not one of the allowed values", "{0} is '{1}'{2}; valid values are {3}", ScheduleDiagnosticSeverity.Error, Arguments);

    public static readonly ScheduleDiagnosticDescriptor LoaderSuppliedArgument = new(
        "DTS029", "Argument supplied by the loader", "{0} must not set '{1}': the loader supplies it (the model, the instance name, the optimizer and the resume epoch are not schedule arguments)", ScheduleDiagnosticSeverity.Error, Arguments);

    public static readonly ScheduleDiagnosticDescriptor SparsityNotIncreasing = new(
        "DTS030", "initial_sparsity not below final_sparsity", "initial_sparsity ({0}) must be less than final_sparsity ({1}); AGP prunes from the initial to the final level", ScheduleDiagnosticSeverity.Error, Arguments);

    public static readonly ScheduleDiagnosticDescriptor WrongListLength = new(
        "DTS031", "List of the wrong length", "{0} must have {1} items, but has {2}", ScheduleDiagnosticSeverity.Error, Arguments);

    public static readonly ScheduleDiagnosticDescriptor MissingDefaultKey = new(
        "DTS032", "Missing '*' default", "{0} must have a '*' entry: the default for parameters not listed", ScheduleDiagnosticSeverity.Error, Arguments);

    public static readonly ScheduleDiagnosticDescriptor ConflictingArguments = new(
        "DTS033", "Conflicting arguments", "{0}: give '{1}' or '{2}', not both ({3})", ScheduleDiagnosticSeverity.Error, Arguments);

    public static readonly ScheduleDiagnosticDescriptor DependentArgumentMissing = new(
        "DTS034", "Argument needs another argument", "{0}: {1}", ScheduleDiagnosticSeverity.Error, Arguments);

    public static readonly ScheduleDiagnosticDescriptor ListNotIncreasing = new(
        "DTS035", "List not increasing", "{0} must be increasing, but {1} follows {2}", ScheduleDiagnosticSeverity.Error, Arguments);

    public static readonly ScheduleDiagnosticDescriptor InvalidOverridePattern = new(
        "DTS036", "Invalid override pattern", "The override key '{0}' is not a valid regular expression: {1}", ScheduleDiagnosticSeverity.Error, Arguments);

    public static readonly ScheduleDiagnosticDescriptor ArgumentNotSupported = new(
        "DTS037", "Argument not supported by this runtime", "{0}: '{1}' is a Distiller argument this runtime does not support ({2}); remove it", ScheduleDiagnosticSeverity.Error, Arguments);

    public static readonly ScheduleDiagnosticDescriptor DefaultKeyNotAccepted = new(
        "DTS038", "'*' default not accepted", "{0} does not accept '*' (a default for every parameter); list the parameters by name", ScheduleDiagnosticSeverity.Error, Arguments);

    // Sections (DTS040–DTS041).
    public static readonly ScheduleDiagnosticDescriptor MultipleQuantizers = new(
        "DTS040", "More than one quantizer", "A schedule may declare only one quantizer; '{0}' is declared after '{1}'", ScheduleDiagnosticSeverity.Error, Components);

    public static readonly ScheduleDiagnosticDescriptor MultipleLrSchedulers = new(
        "DTS041", "More than one LR scheduler", "A schedule may declare only one LR scheduler; '{0}' is declared after '{1}'", ScheduleDiagnosticSeverity.Error, Components);

    // Policies (DTS042–DTS059).
    public static readonly ScheduleDiagnosticDescriptor InstanceInOtherSection = new(
        "DTS042", "Policy names an instance of another section", "The policy's {0} '{1}' is declared in '{2}', not in '{3}'; name it with '{4}:'", ScheduleDiagnosticSeverity.Error, Policies);

    public static readonly ScheduleDiagnosticDescriptor MixedTimingForms = new(
        "DTS043", "Epoch list mixed with an epoch range", "A policy gives either 'epochs' or 'starting_epoch'/'ending_epoch'/'frequency', not both; '{0}' cannot be used with 'epochs'", ScheduleDiagnosticSeverity.Error, Policies);

    public static readonly ScheduleDiagnosticDescriptor MissingTiming = new(
        "DTS044", "Policy without timing", "The policy does not say when it runs: give 'starting_epoch', 'ending_epoch' and 'frequency', or 'epochs: [..]'", ScheduleDiagnosticSeverity.Error, Policies);

    public static readonly ScheduleDiagnosticDescriptor IncompleteRange = new(
        "DTS045", "Incomplete epoch range", "The policy's epoch range lacks '{0}'; a range needs 'starting_epoch', 'ending_epoch' and 'frequency'", ScheduleDiagnosticSeverity.Error, Policies);

    public static readonly ScheduleDiagnosticDescriptor InvalidEpoch = new(
        "DTS046", "Epoch is not a non-negative whole number", "{0} must be a whole number >= 0, but is '{1}'", ScheduleDiagnosticSeverity.Error, Policies);

    public static readonly ScheduleDiagnosticDescriptor StartNotBeforeEnd = new(
        "DTS047", "starting_epoch not before ending_epoch", "starting_epoch ({0}) must be less than ending_epoch ({1}); ending_epoch is exclusive", ScheduleDiagnosticSeverity.Error, Policies);

    public static readonly ScheduleDiagnosticDescriptor FrequencyNotPositive = new(
        "DTS048", "frequency not positive", "frequency must be at least 1, but is {0}", ScheduleDiagnosticSeverity.Error, Policies);

    public static readonly ScheduleDiagnosticDescriptor FrequencyLargerThanSpan = new(
        "DTS049", "frequency larger than the epoch range", "frequency ({0}) is larger than the range ending_epoch - starting_epoch = {1}; Distiller requires 0 < frequency <= {1}", ScheduleDiagnosticSeverity.Error, Policies);

    public static readonly ScheduleDiagnosticDescriptor EmptyEpochList = new(
        "DTS050", "Empty epoch list", "'epochs' is empty, so the policy never runs; list at least one epoch", ScheduleDiagnosticSeverity.Error, Policies);

    public static readonly ScheduleDiagnosticDescriptor QuantizationNotAtEpochZero = new(
        "DTS051", "Quantization policy does not start at epoch 0", "A quantization policy must start at epoch 0 (the quantizer changes the model before the optimizer is used), but this one starts at {0}", ScheduleDiagnosticSeverity.Error, Policies);

    public static readonly ScheduleDiagnosticDescriptor AgpSpanNotPositive = new(
        "DTS052", "AGP span of zero", "'{0}' ({1}) prunes along the AGP schedule, whose span ((ending_epoch - starting_epoch - 1) // frequency) * frequency = (({2} - {3} - 1) // {4}) * {4} = {5} must be positive", ScheduleDiagnosticSeverity.Error, Policies);

    public static readonly ScheduleDiagnosticDescriptor AgpNeedsRange = new(
        "DTS053", "AGP pruner scheduled by an epoch list", "'{0}' ({1}) prunes along the AGP schedule, which needs 'starting_epoch', 'ending_epoch' and 'frequency' rather than 'epochs'", ScheduleDiagnosticSeverity.Error, Policies);

    public static readonly ScheduleDiagnosticDescriptor UnknownPolicyArgument = new(
        "DTS054", "Unknown policy argument", "A {0} policy's args have no '{1}'{2}; {3}", ScheduleDiagnosticSeverity.Error, Policies);

    public static readonly ScheduleDiagnosticDescriptor UnusedInstance = new(
        "DTS055", "Instance never used by a policy", "'{0}' in '{1}' is not named by any policy, so it never runs", ScheduleDiagnosticSeverity.Warning, Policies);

    public static readonly ScheduleDiagnosticDescriptor PostTrainingQuantizerInPolicy = new(
        "DTS056", "Post-training quantizer scheduled by a policy", "'{0}' is a {1}, which quantizes a trained model at evaluation; a training policy cannot schedule it", ScheduleDiagnosticSeverity.Error, Policies);

    public static readonly ScheduleDiagnosticDescriptor InstanceScheduledTwice = new(
        "DTS058", "Instance scheduled by two policies", "'{0}' already has a policy (line {1}); an {2} instance can be scheduled by one policy only: give the second policy its own instance, or merge the epochs into one policy", ScheduleDiagnosticSeverity.Error, Policies);

    public static readonly ScheduleDiagnosticDescriptor RepeatedEpoch = new(
        "DTS059", "Epoch listed twice", "'epochs' lists {0} more than once; Distiller would run the policy twice in that epoch, so list each epoch once", ScheduleDiagnosticSeverity.Error, Policies);

    public static readonly ScheduleDiagnosticDescriptor SharedPruner = new(
        "DTS057", "Pruner driven by several policies", "The pruner '{0}' is already driven by the policy on line {1}; both policies step its one state, which holds its sparsity back. Give this policy its own pruner instance", ScheduleDiagnosticSeverity.Warning, Policies);
}
