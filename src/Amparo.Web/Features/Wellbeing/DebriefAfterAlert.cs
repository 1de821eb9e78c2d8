using Amparo.Web.Features.CheckIns;
using Amparo.Web.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>
/// An alert about a person closed as "needs help" or "missing", or the person raised a panic: their well-being time
/// line gets the day, a debrief is offered to them, and — if they allowed it — their buddy gets the neutral "please
/// check in". Heard through the fact seam, never called by check-ins.
/// </summary>
/// <remarks>
/// <para>Owner side (ADR 0002), as the security plans' <c>ReviewAfterAlert</c>: what it writes is on the person's own pages, so it
/// hears only what the person's side is told. A duress alert never reaches this side, and a duress action tells it exactly
/// what the imitated action tells — so after a duress action the person sees exactly what they would after the normal one
/// (a duress "cancel" of a panic leaves the panic's mark, as a real cancel does). Drills are left out (practice is not a hard
/// event), read only through the owner-scoped view <see cref="AlertService.OwnAlerts"/>.</para>
/// <para>Durable and idempotent: one mark per alert (<see cref="MarkService.MarkAlertAsync"/>), so a panic that later
/// closes as "needs help" is one mark, and a repeated delivery changes nothing.</para>
/// </remarks>
public sealed class DebriefAfterAlert(AlertService alerts, MarkService marks) : IDurableFactHandler
{
    public Side Side => Side.Owner;

    /// <summary>Whether a fact is a hard event for the person: a panic raised, an alert closed as needs-help or missing.</summary>
    public static Guid? AlertOf(Fact fact) => fact switch
    {
        AlertRaised { Kind: AlertKind.Panic } raised => raised.AlertId,
        AlertResolved resolved when Hard(resolved.Outcome) => resolved.AlertId,
        _ => null,
    };

    /// <summary>The closings that were hard for the person (the same as the security plans' review after an alert).</summary>
    public static bool Hard(AlertOutcome outcome) => outcome switch
    {
        AlertOutcome.NeedsHelp or AlertOutcome.Missing => true,
        AlertOutcome.Safe or AlertOutcome.FalseAlarm or AlertOutcome.CheckedInLate or AlertOutcome.Cancelled => false,
    };

    public async Task HandleAsync(Fact fact, CancellationToken ct)
    {
        if (AlertOf(fact) is not { } alertId) return;
        var drill = await alerts.OwnAlerts(fact.OwnerId).Where(a => a.Id == alertId).Select(a => (bool?)a.IsDrill).SingleOrDefaultAsync(ct);
        if (drill is not false) return;
        await marks.MarkAlertAsync(fact.OwnerId, alertId, fact.At, ct);
    }
}
