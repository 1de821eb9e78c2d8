using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure;

namespace Amparo.Web.Features.Incidents;

/// <summary>What a report must hold, field by field; each problem is a resource key shown next to its field.</summary>
public static class IncidentRules
{
    public const int MaxNarrative = 20_000, MaxName = 200, MaxNote = 5_000;

    private static readonly IncidentActs AllActs = Enum.GetValues<IncidentActs>().Aggregate(IncidentActs.None, (a, b) => a | b);
    private static readonly TargetedGroups AllGroups = Enum.GetValues<TargetedGroups>().Aggregate(TargetedGroups.None, (a, b) => a | b);
    private static readonly SecurityDomains AllDomains = Enum.GetValues<SecurityDomains>().Aggregate(SecurityDomains.None, (a, b) => a | b);

    /// <summary>Trimmed text, or null when blank.</summary>
    public static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The first day of the period a date stands for: the day, the Monday of its week, or the first of its month.</summary>
    public static DateOnly StartOf(DateOnly date, DatePrecision precision) => precision switch
    {
        DatePrecision.Day => date,
        DatePrecision.Week => date.AddDays(-(((int)date.DayOfWeek + 6) % 7)),
        DatePrecision.Month => new DateOnly(date.Year, date.Month, 1),
    };

    public static Dictionary<string, string> Check(IncidentInput input, DateOnly today, Gazetteer gazetteer)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (input.OccurredOn is not { } on) errors["OccurredOn"] = "Incidents.Error.Date";
        else if (on > today.AddDays(1) || on < new DateOnly(1950, 1, 1)) errors["OccurredOn"] = "Incidents.Error.DateRange";
        if (!Enum.IsDefined(input.Precision)) errors["Precision"] = "Incidents.Error.Choice";
        if (input.Acts == IncidentActs.None) errors["Acts"] = "Incidents.Error.Acts";
        else if ((input.Acts & ~AllActs) != 0) errors["Acts"] = "Incidents.Error.Choice";
        else if (!IsSingle(input.PrimaryAct) || !input.Acts.HasFlag(input.PrimaryAct)) errors["PrimaryAct"] = "Incidents.Error.Primary";
        if (!Enum.IsDefined(input.Perpetrator)) errors["Perpetrator"] = "Incidents.Error.Choice";
        if ((input.Groups & ~AllGroups) != 0) errors["Groups"] = "Incidents.Error.Choice";
        if ((input.Domains & ~AllDomains) != 0) errors["Domains"] = "Incidents.Error.Choice";

        var name = Clean(input.ConcernedName);
        if (Validation.IsUnacceptableText(name, MaxName)) errors["ConcernedName"] = "Incidents.Error.Text";
        else if (name is not null && (input.AboutMe || !input.NamedWithConsent)) errors["ConcernedName"] = "Incidents.Error.NameWithoutConsent";
        if (Validation.IsUnacceptableText(Clean(input.Narrative), MaxNarrative)) errors["Narrative"] = "Incidents.Error.Text";

        if (input.AreaId is { Length: > 0 } area && gazetteer.Find(area) is null) errors["AreaId"] = "Incidents.Error.Choice";
        if (input.Latitude is not null || input.Longitude is not null)
        {
            if (input.AreaId is { Length: > 0 }) errors["Latitude"] = "Incidents.Error.AreaOrPoint";
            else if (input.Latitude is not { } lat || input.Longitude is not { } lon || CoarseCell.Snap(lat, lon) is null)
                errors["Latitude"] = "Incidents.Error.Point";
        }
        return errors;
    }

    public static bool IsSingle(IncidentActs act) => act != IncidentActs.None && (act & (act - 1)) == 0 && AllActs.HasFlag(act);
}
