using Amparo.Web.Features.CheckIns;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Plans;

/// <summary>
/// An alert about a person was closed as "needs help" or "missing": their own plans are due for review now, and say
/// why (<see cref="ReviewReason.AfterAlert"/>). Heard through the fact seam, never called by check-ins.
/// </summary>
/// <remarks>
/// <para>Owner side (ADR 0002): what it writes is on the person's own plan pages, list, feed and reminders, so it hears
/// only what the person's side is told. A duress alert's facts never reach this side, and a duress action tells this
/// side exactly what the action it imitates tells — so after a duress action the person sees exactly what they would
/// after the normal one. It reads nothing about the alert beyond its fact except through the owner-scoped view
/// (<see cref="AlertService.OwnAlerts"/>), and only to leave drills out (practice is not a change of context).</para>
/// <para>Durable and idempotent: a plan already due for this alert's instant with this reason is not touched again.
/// It does not raise the plan's version: a review prompt is not an edit of what the plan says.</para>
/// </remarks>
public sealed class ReviewAfterAlert(AmparoDbContext db, AlertService alerts) : IDurableFactHandler
{
    public Side Side => Side.Owner;

    /// <summary>Whether an alert closed this way calls the person's plans back for review.</summary>
    public static bool Prompts(AlertOutcome outcome) => outcome switch
    {
        AlertOutcome.NeedsHelp or AlertOutcome.Missing => true,
        AlertOutcome.Safe or AlertOutcome.FalseAlarm or AlertOutcome.CheckedInLate or AlertOutcome.Cancelled => false,
    };

    public async Task HandleAsync(Fact fact, CancellationToken ct)
    {
        if (fact is not AlertResolved resolved || !Prompts(resolved.Outcome)) return;
        var drill = await alerts.OwnAlerts(resolved.OwnerId).Where(a => a.Id == resolved.AlertId).Select(a => (bool?)a.IsDrill).SingleOrDefaultAsync(ct);
        if (drill is not false) return;
        var at = resolved.At;
        await db.SecurityPlans
            .Where(p => p.OwnerUserId == resolved.OwnerId && !(p.ReviewReason == ReviewReason.AfterAlert && p.NextReviewAt == at))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.NextReviewAt, at).SetProperty(p => p.ReviewReason, ReviewReason.AfterAlert), ct);
    }
}
