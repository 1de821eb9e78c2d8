namespace Amparo.Web.Features.CheckIns;

/// <summary>When the engine next has to look at a visit. Pure, so the whole ladder can be reasoned about in one place.</summary>
public static class VisitSchedule
{
    public static DateTime EarlyReminderAt(Visit v) => v.DeadlineAt.AddMinutes(-v.ReminderMinutesBefore);
    public static DateTime AlertAt(Visit v) => v.DeadlineAt.AddMinutes(v.GraceMinutes);

    public static DateTime? NextAction(Visit v) => v.State switch
    {
        VisitState.Planned => v.StartsAt,
        VisitState.Active when v.RemindersSent == 0 && v.ReminderMinutesBefore > 0 => EarlyReminderAt(v),
        VisitState.Active => v.DeadlineAt,
        VisitState.Overdue => AlertAt(v),
        // An invitation nobody answered lapses at the return time.
        VisitState.Invited => v.DueAt,
        // The alert engine has it from here, or it is over.
        VisitState.Alerting or VisitState.Closed => null,
    };

    /// <summary>The next deadline: the return, or the next periodic check-in if that comes first.</summary>
    public static DateTime Deadline(Visit v)
    {
        if (v.CheckInEveryMinutes is not { } every) return v.DueAt;
        var periodic = (v.LastCheckInAt ?? v.StartsAt).AddMinutes(every);
        return periodic < v.DueAt ? periodic : v.DueAt;
    }

    /// <summary>Sets the deadline anew (after planning, a check-in or an extension) and forgets reminders sent for the old one.</summary>
    public static void Reschedule(Visit v, DateTime now)
    {
        v.DeadlineAt = Deadline(v);
        // A reminder whose moment has already passed is not sent late: it would arrive together with the next.
        v.RemindersSent = v.ReminderMinutesBefore > 0 && EarlyReminderAt(v) > now ? 0 : 1;
        v.NextActionAt = NextAction(v);
    }
}
