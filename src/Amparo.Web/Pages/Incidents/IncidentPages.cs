using System.Globalization;
using Amparo.Web.Features.Incidents;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Incidents;

/// <summary>The words of the incident pages: each enum value's resource key, and a report's date as precise as it is known.</summary>
public static class IncidentPages
{
    public static readonly IncidentActs[] Acts = Enum.GetValues<IncidentActs>().Where(a => a != IncidentActs.None).ToArray();
    public static readonly TargetedGroups[] Groups = Enum.GetValues<TargetedGroups>().Where(g => g != TargetedGroups.None).ToArray();

    public static string ActKey(IncidentActs a) => "Incidents.Act." + a;
    public static string GroupKey(TargetedGroups g) => "Incidents.Group." + g;
    public static string PerpetratorKey(PerpetratorType p) => "Incidents.Perpetrator." + p;
    public static string PrecisionKey(DatePrecision p) => "Incidents.Precision." + p;
    public static string StatusKey(IncidentStatus s) => "Incidents.Status." + s;

    /// <summary>"12 March 2026", "the week of 9 March 2026", "March 2026" — in the page's language.</summary>
    public static string When(IStringLocalizer t, DateOnly on, DatePrecision precision) => precision switch
    {
        DatePrecision.Day => on.ToString("D", CultureInfo.CurrentCulture),
        DatePrecision.Week => t["Incidents.WeekOf", on.ToString("D", CultureInfo.CurrentCulture)].Value,
        DatePrecision.Month => on.ToString("Y", CultureInfo.CurrentCulture),
    };

    /// <summary>"1.2 MB", "340 KB".</summary>
    public static string Size(int bytes) =>
        bytes >= 1024 * 1024 ? (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.CurrentCulture) + " MB"
        : Math.Max(1, bytes / 1024).ToString(CultureInfo.CurrentCulture) + " KB";

    /// <summary>The kinds of metadata removed from a photo, in words.</summary>
    public static string RemovedWords(IStringLocalizer t, PhotoMetadata removed) =>
        Cultures.JoinList(Flags.Each(removed).Select(m => t["Incidents.Evidence.Meta." + m].Value));

    public static T Fold<T>(IEnumerable<T>? picked) where T : struct, Enum =>
        (T)Enum.ToObject(typeof(T), (picked ?? []).Aggregate(0L, (a, b) => a | Convert.ToInt64(b, CultureInfo.InvariantCulture)));
}
