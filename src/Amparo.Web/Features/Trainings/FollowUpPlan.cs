using System.Globalization;

namespace Amparo.Web.Features.Trainings;

public enum FollowUpUnit { Days = 0, Weeks = 1, Months = 2 }

public sealed record FollowUpOffset(int Count, FollowUpUnit Unit)
{
    public const int MaxDays = 730;

    /// <summary>The local date this offset names after a training ended on <paramref name="end"/>.</summary>
    public DateOnly After(DateOnly end) => Unit switch
    {
        FollowUpUnit.Days => end.AddDays(Count),
        FollowUpUnit.Weeks => end.AddDays(7 * Count),
        FollowUpUnit.Months => end.AddMonths(Count),
    };

    public static string UnitName(FollowUpUnit unit) => unit switch
    {
        FollowUpUnit.Days => "d",
        FollowUpUnit.Weeks => "w",
        FollowUpUnit.Months => "m",
    };

    public override string ToString() => Count.ToString(CultureInfo.InvariantCulture) + UnitName(Unit);
}

/// <summary>
/// When a training's follow-ups come: up to three offsets after its last day, each later than the one before and
/// within two years — by default two weeks, two months and six months, as trainers' guides recommend.
/// </summary>
public sealed record FollowUpPlan(IReadOnlyList<FollowUpOffset> Offsets)
{
    public const int MaxRounds = 3;

    /// <summary>Follow-ups are due at this local hour of the participant's own time zone (a morning, not the night).</summary>
    public const int LocalHour = 10;

    public static readonly FollowUpPlan Default = new([new(2, FollowUpUnit.Weeks), new(2, FollowUpUnit.Months), new(6, FollowUpUnit.Months)]);

    public override string ToString() => string.Join(',', Offsets.Select(o => o.ToString()));

    public static FollowUpPlan? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var offsets = new List<FollowUpOffset>();
        foreach (var part in text.Split(','))
        {
            if (part.Length < 2) return null;
            FollowUpUnit? unit = part[^1] switch { 'd' => FollowUpUnit.Days, 'w' => FollowUpUnit.Weeks, 'm' => FollowUpUnit.Months, _ => null };
            if (unit is null || !int.TryParse(part[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)) return null;
            offsets.Add(new(count, unit.Value));
        }
        var plan = new FollowUpPlan(offsets);
        return plan.IsValid ? plan : null;
    }

    /// <summary>One to three offsets, each at least a day, each later than the one before, the last within two years.</summary>
    public bool IsValid
    {
        get
        {
            if (Offsets.Count is < 1 or > MaxRounds) return false;
            var anchor = new DateOnly(2000, 1, 31); // a month end: "1 month" is not "30 days" everywhere, compare on dates
            var previous = anchor;
            foreach (var o in Offsets)
            {
                // Bounded before any date arithmetic: a huge count would overflow the calendar.
                if (o.Count is < 1 or > FollowUpOffset.MaxDays || !Enum.IsDefined(o.Unit)) return false;
                var date = o.After(anchor);
                if (date <= previous || date.DayNumber - anchor.DayNumber > FollowUpOffset.MaxDays) return false;
                previous = date;
            }
            return true;
        }
    }

    /// <summary>
    /// When each round is due for someone in <paramref name="timeZone"/>: <see cref="LocalHour"/> o'clock on the round's
    /// date, in their own zone (a daylight-saving change in between moves the UTC time, not the local one). A local time
    /// that does not exist that day (a clock jumping forward over it) is taken an hour later.
    /// </summary>
    public IReadOnlyList<DateTime> DueTimes(DateOnly endsOn, string timeZone)
    {
        var zone = FindZone(timeZone);
        return [.. Offsets.Select(o => LocalToUtc(o.After(endsOn).ToDateTime(new TimeOnly(LocalHour, 0)), zone))];
    }

    public static TimeZoneInfo FindZone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    private static DateTime LocalToUtc(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local)) local = local.AddHours(1);
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }
}
