namespace Distiller.Typed.Schedules;

/// <summary>The schedule sections that declare component instances, and the policy key that names each.</summary>
public enum ScheduleSection
{
    Pruners,
    Regularizers,
    Quantizers,
    LrSchedulers,
    Extensions,
}

public static class ScheduleSections
{
    public static readonly ScheduleSection[] All =
    {
        ScheduleSection.Pruners, ScheduleSection.Regularizers, ScheduleSection.Quantizers,
        ScheduleSection.LrSchedulers, ScheduleSection.Extensions,
    };

    /// <summary>The top-level YAML key: <c>pruners</c>, <c>lr_schedulers</c>, …</summary>
    public static string YamlKey(this ScheduleSection section) => section switch
    {
        ScheduleSection.Pruners => "pruners",
        ScheduleSection.Regularizers => "regularizers",
        ScheduleSection.Quantizers => "quantizers",
        ScheduleSection.LrSchedulers => "lr_schedulers",
        _ => "extensions",
    };

    /// <summary>The key a policy uses to name an instance of this section: <c>pruner</c>, <c>lr_scheduler</c>, …</summary>
    public static string PolicyKey(this ScheduleSection section) => section switch
    {
        ScheduleSection.Pruners => "pruner",
        ScheduleSection.Regularizers => "regularizer",
        ScheduleSection.Quantizers => "quantizer",
        ScheduleSection.LrSchedulers => "lr_scheduler",
        _ => "extension",
    };

    public static bool TryFromYamlKey(string key, out ScheduleSection section)
    {
        foreach (var s in All)
        {
            if (s.YamlKey() == key)
            {
                section = s;
                return true;
            }
        }
        section = default;
        return false;
    }

    public static bool TryFromPolicyKey(string key, out ScheduleSection section)
    {
        foreach (var s in All)
        {
            if (s.PolicyKey() == key)
            {
                section = s;
                return true;
            }
        }
        section = default;
        return false;
    }
}
