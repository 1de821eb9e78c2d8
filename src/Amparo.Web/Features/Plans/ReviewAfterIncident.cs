using Amparo.Web.Features.Incidents;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Plans;

/// <summary>
/// An incident was reported: the plans of those it concerns are due for review now, and say why
/// (<see cref="ReviewReason.AfterIncident"/>) — the reporter's own plans when it happened to them, and the plans of the
/// organization it was reported to. Heard through the fact seam, never called by the incidents module.
/// </summary>
/// <remarks>
/// Owner side: it writes to the reporter's own plan pages. Durable and idempotent: a plan already due at this instant for
/// this reason is not touched again; it does not raise the plan's version (a review prompt is not an edit).
/// </remarks>
public sealed class ReviewAfterIncident(AmparoDbContext db) : IDurableFactHandler
{
    public Side Side => Side.Owner;

    public async Task HandleAsync(Fact fact, CancellationToken ct)
    {
        if (fact is not IncidentReported reported) return;
        var at = reported.At;
        if (reported.AboutReporter)
            await DueAsync(db.SecurityPlans.Where(p => p.OwnerUserId == reported.OwnerId), at, ct);
        if (reported.OrganizationId is { } org)
            await DueAsync(db.SecurityPlans.Where(p => p.OwnerOrganizationId == org), at, ct);
    }

    private static Task<int> DueAsync(IQueryable<SecurityPlan> plans, DateTime at, CancellationToken ct) =>
        plans.Where(p => !(p.ReviewReason == ReviewReason.AfterIncident && p.NextReviewAt == at))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.NextReviewAt, at).SetProperty(p => p.ReviewReason, ReviewReason.AfterIncident), ct);
}
